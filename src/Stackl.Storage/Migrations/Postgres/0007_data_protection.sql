-- ASP.NET Core data-protection keys (they seal dashboard session cookies and anti-forgery tokens), shared by every silo of the
-- database so a session opened on one silo is valid on all of them and outlives a restart. Each row is one XML element of the
-- key ring as the key manager hands it over: unencrypted like everything else here, unless Stackl:Auth:DataProtection:CertificatePath is set.
CREATE TABLE IF NOT EXISTS stackl_data_protection_keys (
    name       text COLLATE "C" PRIMARY KEY,
    xml        text   NOT NULL,
    created_at bigint NOT NULL
);
