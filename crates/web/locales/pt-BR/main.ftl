# A moldura do portal, a entrada e os erros.
skip-to-content = Pular para o conteúdo
language = Idioma
language-apply = Aplicar
sign-out = Sair
nav-main = Menu principal
nav-developer = Recursos para desenvolvedores
nav-crm = CRM
nav-leads = Leads
nav-deals = Negócios
nav-contacts = Contatos
nav-companies = Empresas
nav-users = Usuários
sign-in-title = Entrar no Portico
sign-in-login = Login
sign-in-password = Senha
sign-in-submit = Entrar
sign-in-failed = Login ou senha incorretos.
sign-in-throttled = { $minutes ->
    [one] Muitas tentativas sem sucesso. Tente novamente em um minuto.
   *[other] Muitas tentativas sem sucesso. Tente novamente em { $minutes } minutos.
}
sign-in-busy = O portal está ocupado verificando outros acessos. Tente novamente em instantes.
error-back-home = Voltar ao portal
error-not-found = Página não encontrada.
error-internal = Algo deu errado no servidor. O erro foi registrado.
error-csrf = O formulário expirou ou não veio deste portal. Recarregue a página e tente novamente.
error-admin-only = Somente administradores podem abrir esta página.
error-bad-form = Não foi possível ler o formulário.
action-save = Salvar
action-cancel = Cancelar
action-delete = Excluir
action-edit = Editar
action-search = Pesquisar
action-copy = Copiar
action-copied = Copiado
yes = Sim
no = Não
