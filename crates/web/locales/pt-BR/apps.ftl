app-not-installed = O aplicativo ainda não está totalmente instalado. Entre em contato com o administrador do Bitrix24 para concluir a instalação.
app-installing = Instalando o aplicativo: conclua a instalação abaixo.
app-frame-title = Aplicativo { $name }
app-tabs = Abas do registro
app-tab-details = Detalhes
