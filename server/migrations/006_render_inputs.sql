-- What each published page was rendered from (a digest of its template, address,
-- language and records): a publish renders again only the pages whose inputs
-- changed, and refers to the stored bodies of the others.
ALTER TABLE site_file ADD COLUMN inputs TEXT;
