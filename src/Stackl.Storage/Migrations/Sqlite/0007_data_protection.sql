-- ASP.NET Core data-protection keys (they seal dashboard session cookies and anti-forgery tokens), kept in the database so a
-- session outlives a restart of the silo. Each row is one XML element of the key ring as the key manager hands it over:
-- unencrypted like everything else here, unless Stackl:Auth:DataProtection:CertificatePath is set.
CREATE TABLE IF NOT EXISTS stackl_data_protection_keys (
    name       TEXT    NOT NULL PRIMARY KEY,
    xml        TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
