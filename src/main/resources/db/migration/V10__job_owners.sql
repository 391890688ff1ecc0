-- Who a job belongs to: the caller that submitted it (a Tenant id: key:<key id>, admin, or
-- anonymous:<SHA-256 of the address>; never a secret). Another caller asking for the job gets a
-- 404. NULL for jobs submitted before tenancy: nobody can say whose they were, so only admins
-- see them.
ALTER TABLE jobs ADD COLUMN owner text;
