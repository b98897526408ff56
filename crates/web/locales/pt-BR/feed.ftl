# A página do Feed (publicações e comentários).
nav-feed = Feed
scope-log = Feed de notícias
event-ONLIVEFEEDPOSTADD = uma publicação do feed foi feita
event-ONLIVEFEEDPOSTUPDATE = uma publicação do feed foi alterada
event-ONLIVEFEEDPOSTDELETE = uma publicação do feed foi removida
feed-live-news = Há novidades no feed.
feed-live-reload = Mostrar
feed-new-post = Nova publicação
feed-field-title = Título (opcional)
feed-field-text = Mensagem
feed-recipients = Destinatários
feed-to-all = Todos os funcionários
feed-to-chosen = Destinatários escolhidos:
feed-to-users = Usuários
feed-to-groups = Grupos de trabalho
feed-to-departments = Departamentos
feed-publish = Publicar
feed-empty = Ainda não há publicações. Escreva a primeira acima.
feed-pages = Páginas do feed
feed-newer = ← Publicações mais novas
feed-older = Publicações mais antigas →
feed-to = para
feed-important = Importante
feed-delete = Remover publicação
feed-comments = { $count ->
    [0] Nenhum comentário
    [one] { $count } comentário
   *[other] { $count } comentários
}
feed-comment-label = Escreva um comentário
feed-comment-send = Comentar
feed-error-text = Escreva uma mensagem.
feed-error-title = O título pode ter no máximo 255 caracteres.
feed-error-recipients = Escolha ao menos um usuário, grupo de trabalho ou departamento, ou envie para todos os funcionários.
feed-error-comment = Escreva um comentário.
feed-error-refused = O feed recusou isto: { $reason }
feed-error-denied = Somente o autor e administradores podem remover esta publicação.
