# Páginas de tarefas, bloco de tarefas dos registros do CRM, pipelines de negócios, casos de uso de tarefas.
nav-tasks = Tarefas
task-new = Nova tarefa
task-create = Criar tarefa
task-tabs = Listas de tarefas
task-tab-mine = Minhas tarefas
task-tab-created = Criadas por mim
task-tab-all = Todas as tarefas
task-total = { $count ->
    [one] Uma tarefa
   *[other] { $count } tarefas
}
task-empty = Nenhuma tarefa aqui.
task-filter-any = Qualquer
task-filter-deadline = Prazo até
task-filter-apply = Filtrar
task-field-title = Título
task-field-description = Descrição
task-field-status = Status
task-field-responsible = Responsável
task-field-creator = Criada por
task-field-deadline = Prazo
task-field-crm = CRM
task-crm-hint = Um registro do CRM como L_12 (lead), D_12 (negócio), C_12 (contato) ou CO_12 (empresa).
task-status-new = Nova
task-status-pending = Pendente
task-status-in-progress = Em andamento
task-status-supposedly-completed = Aguardando aprovação
task-status-completed = Concluída
task-status-deferred = Adiada
task-status-declined = Recusada
task-action-start = Iniciar
task-action-pause = Pausar
task-action-complete = Concluir
task-action-renew = Retomar
task-comments = Comentários
task-no-comments = Nenhum comentário ainda.
task-comment-label = Seu comentário
task-comment-add = Adicionar comentário
task-none-linked = Nenhuma tarefa está vinculada a este registro.
task-link-lead = Lead nº { $id }
task-link-deal = Negócio nº { $id }
task-link-contact = Contato nº { $id }
task-link-company = Empresa nº { $id }
task-back-to-list = Voltar às tarefas
task-error-not-allowed = Você não pode fazer isso com a tarefa.
task-error-refused = A tarefa não foi salva
task-error-comment = Um comentário precisa de texto.
task-error-title = Uma tarefa precisa de um título de até 255 caracteres.
task-error-description = A descrição é longa demais.
task-error-responsible = Escolha o responsável.
task-error-crm = O vínculo do CRM deve ter a forma L_12, D_12, C_12 ou CO_12.
deal-pipeline = Pipeline
deal-all-pipelines = Todos os pipelines
deal-move-to = Mover para a fase
deal-move = Mover
deal-error-stage = Essa fase não é do pipeline do negócio.
group-automate-management = Automatizar a gestão
case-assign-task = Atribuir uma tarefa
case-assign-task-desc = Crie uma tarefa para um funcionário a partir de outro sistema, vinculada a um registro do CRM.
case-monitor-tasks = Acompanhar tarefas
case-monitor-tasks-desc = Leia tarefas por status, responsável ou prazo para fazer relatórios.
task-edit = Editar tarefa
task-save = Salvar tarefa
task-back = Voltar
task-field-accomplices = Participantes
task-field-auditors = Observadores
task-field-group = Grupo de trabalho
task-no-group = Sem grupo de trabalho
task-action-defer = Adiar
task-action-approve = Aprovar
task-action-disapprove = Devolver
task-action-edit = Editar
task-action-delegate = Delegar
task-delegate-to = Delegar para
task-checklist = Checklist
task-checklist-empty = O checklist está vazio.
task-checklist-item = Novo item
task-checklist-add = Adicionar item
task-checklist-complete = Feito
task-checklist-renew = Não feito
task-checklist-delete = Remover
task-time = Tempo gasto
task-time-total = { $minutes ->
    [one] 1 minuto no total
   *[other] { $minutes } minutos no total
}
task-time-minutes = { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}
task-time-minutes-label = Minutos
task-time-comment = O que foi feito
task-time-add = Adicionar tempo
task-error-checklist = Um item do checklist precisa de um título de no máximo 2000 caracteres.
task-error-time = O tempo precisa de um número inteiro de minutos (no máximo uma semana) e de um comentário de no máximo 2000 caracteres.
