# Páginas de chat: a lista de diálogos, um diálogo com suas mensagens, o formulário de novo chat de grupo.
nav-chat = Chat
chat-dialogs = Diálogos
chat-no-dialogs = Nenhum diálogo ainda.
chat-unread = { $count ->
    [one] Uma mensagem não lida
   *[other] { $count } mensagens não lidas
}
chat-open-with = Escrever para
chat-open = Abrir diálogo
chat-choose = Escolha um diálogo à esquerda, abra um com um colega ou crie um chat de grupo.
chat-group-new = Novo chat de grupo
chat-group-title = Título
chat-group-type = Tipo
chat-group-members = Membros
chat-group-create = Criar chat
chat-type-private = Diálogo privado
chat-type-closed = Chat fechado: só seus membros o leem
chat-type-open = Chat aberto: qualquer um pode lê-lo e entrar nele
chat-members = { $count ->
    [one] Um membro
   *[other] { $count } membros
}
chat-no-messages = Nenhuma mensagem ainda.
chat-system = Sistema
chat-edited = editada
chat-deleted = Esta mensagem foi removida.
chat-message = Mensagem
chat-send = Enviar
chat-leave = Sair do chat
chat-join = Entrar no chat
chat-error-denied = Você não pode fazer isso neste chat.
chat-error-empty = Uma mensagem não pode ser vazia.
