app-not-installed = The application is not fully installed yet. Please contact your Bitrix24 administrator to complete the installation.
app-installing = Installing the application: finish its installation below.
app-frame-title = Application { $name }
app-tabs = Record tabs
app-tab-details = Details
