# Rótulos dos campos padrão do CRM (os códigos de `crm.{entity}.fields`), uma
# mensagem por código: `field-` + o código em minúsculas, com `-` no lugar de `_`.
# Um código cujo título muda conforme a entidade escolhe por `$entity`.
field-id = ID
field-title = { $entity ->
    [LEAD] Nome do lead
    [COMPANY] Nome da empresa
   *[other] Nome
}
field-honorific = Tratamento
field-name = Nome
field-second-name = Nome do meio
field-last-name = Sobrenome
field-birthdate = Data de nascimento
field-company-title = Nome da empresa
field-source-id = Fonte
field-source-description = Informações sobre a fonte
field-status-id = Fase
field-status-description = Informações sobre a fase
field-status-semantic-id = Detalhes do status
field-post = Cargo
field-address = Endereço
field-address-2 = Endereço (linha 2)
field-address-city = Cidade
field-address-postal-code = CEP
field-address-region = Região
field-address-province = Estado
field-address-country = País
field-address-country-code = Código do país
field-address-loc-addr-id = ID do endereço de localização
field-currency-id = Moeda
field-opportunity = Valor
field-is-manual-opportunity = Valor manual
field-opened = Disponível para todos
field-comments = Comentário
field-has-phone = Tem telefone
field-has-email = Tem e-mail
field-has-imol = Tem Canal Aberto
field-assigned-by-id = Responsável
field-created-by-id = Criado por
field-modify-by-id = Modificado por
field-moved-by-id = Fase alterada por
field-date-create = Criado em
field-date-modify = Modificado em
field-moved-time = Fase alterada em
field-date-closed = Concluído em
field-company-id = Empresa
field-contact-id = { $entity ->
    [COMPANY] Contatos
   *[other] Contato
}
field-contact-ids = Contatos
field-quote-id = Orçamento
field-photo = Foto
field-is-return-customer = { $entity ->
    [LEAD] Lead repetido
   *[other] Negócio repetido
}
field-originator-id = Fonte externa
field-origin-id = ID do item na fonte de dados
field-utm-source = Sistema de anúncios
field-utm-medium = Meio
field-utm-campaign = Campanha (UTM)
field-utm-content = Conteúdo da campanha
field-utm-term = Termo de pesquisa da campanha
field-last-activity-time = Última atividade
field-last-activity-by = Última atividade por
field-phone = Telefone
field-email = E-mail
field-web = Site
field-im = Mensageiro
field-link = Link
field-type-id = { $entity ->
    [CONTACT] Tipo de contato
   *[other] Tipo
}
field-category-id = Pipeline
field-stage-id = Fase do negócio
field-stage-semantic-id = Grupo de fases
field-is-new = Novo negócio
field-is-recurring = Negócio recorrente
field-is-repeated-approach = Solicitação repetida
field-probability = Probabilidade
field-tax-value = Alíquota de imposto
field-begindate = Data de início
field-closedate = Data de término
field-closed = Fechado
field-lead-id = Lead
field-additional-info = Informações adicionais
field-location-id = Localização
field-export = Incluído na exportação
field-company-ids = Empresas
field-origin-version = Versão original
field-company-type = Tipo de empresa
field-logo = Logotipo
field-address-legal = Endereço jurídico
field-reg-address = Endereço jurídico
field-reg-address-2 = Endereço jurídico (linha 2)
field-reg-address-city = Cidade do endereço jurídico
field-reg-address-postal-code = CEP do endereço jurídico
field-reg-address-region = Região do endereço jurídico
field-reg-address-province = Estado do endereço jurídico
field-reg-address-country = País do endereço jurídico
field-reg-address-country-code = Código do país do endereço jurídico
field-reg-address-loc-addr-id = ID do endereço jurídico de localização
field-banking-details = Dados bancários
field-industry = Setor
field-employees = Funcionários
field-revenue = Receita anual
field-is-my-company = Minha empresa
field-last-communication-time = Última comunicação
