# Notificações: o sino da barra superior e a página de notificações.
notifications-title = Notificações
notifications-unread = { $count ->
    [0] Nenhuma notificação não lida
    [one] Uma notificação não lida
   *[other] { $count } notificações não lidas
}
notifications-mark-read = Marcar como lida
notifications-mark-all-read = Marcar todas como lidas
notifications-new = Nova
notifications-system = Sistema
notifications-empty = Nenhuma notificação ainda.
notifications-no-older = Nenhuma notificação mais antiga.
notifications-older = Notificações mais antigas

# Casos de uso comuns do mensageiro, do feed e dos chatbots.
case-send-notification = Enviar uma notificação
case-send-notification-desc = Notifique um funcionário a partir de outro sistema: o sino nas páginas do portal acende na hora.
case-publish-report = Publicar um relatório no feed
case-publish-report-desc = Publique um relatório no feed para todos, ou para pessoas, grupos de trabalho ou departamentos escolhidos.
group-chatbot = Adicionar um chatbot
case-inform-employees = Informar funcionários no chat
case-inform-employees-desc = Envie uma mensagem ao chat de um funcionário ou a um chat em grupo a partir de outro sistema.
case-forward-to-bot = Encaminhar mensagens do chat ao bot
case-forward-to-bot-desc = Registre um chatbot: o que os funcionários escrevem a ele no chat é enviado à URL do seu manipulador, e ele responde no diálogo.
