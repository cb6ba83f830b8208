-- Hand a database made before the two roles (its tables owned by the old POSTGRES_USER, the
-- cluster's superuser) to revocation_owner. Run once, as the superuser, in the revocation
-- database, after creating the two roles (docs/operations.md, "Upgrading"). REASSIGN OWNED
-- cannot be used: the bootstrap superuser also owns the system catalogs. Identity sequences
-- follow their tables.
ALTER DATABASE revocation OWNER TO revocation_owner;
ALTER SCHEMA public OWNER TO revocation_owner;
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT c.relkind, c.relname
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public'
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND NOT EXISTS (  -- a sequence owned by a column moves with its table
               SELECT 1 FROM pg_depend d
                WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
    LOOP
        EXECUTE format(
            'ALTER %s public.%I OWNER TO revocation_owner',
            CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                              WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
            item.relname);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS signature
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO revocation_owner', item.signature);
    END LOOP;
END $$;
