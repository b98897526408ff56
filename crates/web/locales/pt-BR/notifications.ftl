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
