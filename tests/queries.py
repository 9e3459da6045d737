"""What every request adds to a view's own queries in the test run (tests assert exact counts).

The tenancy middleware opens the request's transaction (a savepoint inside the test's own
transaction: SAVEPOINT and RELEASE), binds the database to the user, then to the tenant, and
restores each binding when it ends (crm.services.tenant_binding): four set_config statements.
In production the transaction is a real one and the two restores are the same statements.
"""

REQUEST_QUERIES = 6
