# developer
