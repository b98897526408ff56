# A página de usuários (somente administradores).
users-title = Usuários
users-col-id = ID
users-col-login = Login
users-col-name = Nome
users-col-email = E-mail
users-col-role = Papel
users-col-admin = Administrador
users-col-active = Ativo
users-col-actions = Ações
users-you = Este é você
users-activate = Ativar
users-deactivate = Desativar
users-grant-admin = Tornar administrador
users-revoke-admin = Revogar administrador
users-activate-label = Ativar { $login }
users-deactivate-label = Desativar { $login }
users-grant-admin-label = Tornar { $login } administrador
users-revoke-admin-label = Revogar os direitos de administrador de { $login }
users-add-title = Adicionar usuário
users-field-login = Login
users-field-name = Nome
users-field-last-name = Sobrenome
users-field-email = E-mail
users-field-password = Senha
users-password-hint = { $min ->
    [one] Pelo menos um caractere.
   *[other] Pelo menos { $min } caracteres.
}
users-field-admin = Administrador
users-field-role = Papel no CRM
users-role-default = { $name } (padrão)
users-role-hint = O papel define quais registros do CRM o usuário pode ver e alterar. Administradores têm todos os direitos, qualquer que seja o papel.
users-role-admin-note = Administrador: todos os direitos
users-add-submit = Adicionar usuário
users-done-added = O usuário foi adicionado e já pode entrar.
users-done-activated = O usuário foi ativado.
users-done-deactivated = O usuário foi desativado e desconectado de todas as sessões.
users-done-admin-granted = O usuário agora é administrador.
users-done-admin-revoked = O usuário não é mais administrador.
users-error-login = { $max ->
    [one] O login é obrigatório: um caractere, sem espaços.
   *[other] O login é obrigatório: até { $max } caracteres, sem espaços.
}
users-error-name = { $max ->
    [one] Os nomes podem ter no máximo um caractere.
   *[other] Os nomes podem ter no máximo { $max } caracteres.
}
users-error-email = O endereço de e-mail não é válido.
users-error-role = Escolha um dos papéis da lista.
users-error-password = { $min ->
    [one] A senha deve ter pelo menos um caractere.
   *[other] A senha deve ter pelo menos { $min } caracteres.
}
users-error-login-taken = O login “{ $login }” já está em uso.
users-error-self-deactivate = Você não pode desativar a sua própria conta.
users-error-self-revoke = Você não pode revogar os seus próprios direitos de administrador.
