# As páginas do CRM: listas de leads, negócios, contatos e empresas, e seus registros.
crm-error-denied = Sua função no CRM não permite ver estes registros.
crm-search-label = Pesquisar
crm-search-placeholder-title = Pesquisar pelo nome
crm-search-placeholder-name = Pesquisar pelo nome ou sobrenome
crm-search-clear = Limpar pesquisa
crm-total = { $count ->
    [one] Um registro
   *[other] { $count } registros
}
crm-empty = Ainda não há registros.
crm-no-match = Nenhum registro corresponde à pesquisa.
crm-col-id = ID
crm-col-title = Nome
crm-col-name = Nome
crm-col-stage = Fase
crm-col-type = Tipo
crm-col-amount = Valor
crm-col-responsible = Responsável
crm-col-created = Criado em
crm-untitled = Sem título nº { $id }
crm-pages = Páginas
crm-previous = ← Anterior
crm-next = Próxima →
crm-page = Página { $page }
