-- Field keys, continued (src/children/encryption*).
--
-- HMAC keys carry an id, like encryption keys, so the key behind matching hashes can be rotated
-- without downtime: `hmac_key_id` names the key a row's hashes were computed under, lookups hash
-- under every configured key until `contactpoint keys rotate` has recomputed the rest under the
-- active one, and the old key can then be removed. Hashes written before keys had ids were computed
-- under the single FIELD_HMAC_KEY, whose id is h1.
alter table child_address add column hmac_key_id text;
alter table carer add column hmac_key_id text;
update child_address set hmac_key_id = 'h1' where sealed_fields is not null;
update carer set hmac_key_id = 'h1' where sealed_fields is not null;
alter table child_address
  add constraint child_address_hmac_key check ((sealed_fields is null) = (hmac_key_id is null));
alter table carer
  add constraint carer_hmac_key check ((sealed_fields is null) = (hmac_key_id is null));
create index child_address_hmac_key on child_address (hmac_key_id, id) where hmac_key_id is not null;
create index carer_hmac_key on carer (hmac_key_id, id) where hmac_key_id is not null;

-- A carer's name is sealed with their contact details: a parent's name with the public electoral
-- roll gives the family's address, which is the child's. Rows sealed before the name was keep it in
-- plaintext until `contactpoint keys seal` (or `rotate`) reseals them with it; the index finds them.
alter table carer
  alter column name drop not null,
  add constraint carer_name_or_sealed check (sealed_fields is not null or name is not null);
create index carer_sealed_name_in_plaintext on carer (id) where sealed_fields is not null and name is not null;
