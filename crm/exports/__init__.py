"""The export framework of the core app: the exporter registry (``registry``), the xlsx writer
(``xlsx``), the WeasyPrint renderer (``pdf``), the core's own exporters (``builtin``) and the
"Mes exports" pages (``views``, ``urls``). The jobs are run by ``crm.services.exports``."""
