-- Blocking (src/resolution/candidates.repository.ts) looks a feed row up by date of birth together
-- with a name key. With the date on child and the names on child_name, the only way in was every
-- child born that day, then each one's names: about 15 children a day at 100,000 children and 150
-- at 1,000,000, so the cost per row grew with the index. A copy of the child's date of birth on each
-- of its names lets one index answer "born that day and called that" directly.
--
-- The copy is kept by the database, not by the writers: a name takes its child's date when it is
-- written or moved to another child (merge, unmerge), and a change to a child's date of birth is
-- passed to all of its names. No application code writes the column.
alter table child_name add column date_of_birth date;

update child_name n set date_of_birth = c.date_of_birth from child c where c.id = n.child_id;

create function child_name_take_birth_date() returns trigger language plpgsql as $$
begin
  select c.date_of_birth into new.date_of_birth from child c where c.id = new.child_id;
  return new;
end
$$;

create trigger child_name_birth_date before insert or update of child_id, date_of_birth on child_name
  for each row execute function child_name_take_birth_date();

create function child_birth_date_to_names() returns trigger language plpgsql as $$
begin
  update child_name set date_of_birth = new.date_of_birth where child_id = new.id;
  return null;
end
$$;

create trigger child_birth_date_to_names after update of date_of_birth on child
  for each row when (old.date_of_birth is distinct from new.date_of_birth)
  execute function child_birth_date_to_names();

create index child_name_birth_surname on child_name (date_of_birth, surname_key) where valid_to is null;
create index child_name_birth_forename on child_name (date_of_birth, forename_key) where valid_to is null;

-- Forename and surname alike with a mistyped date of birth: the date narrows it to candidates whose
-- date could be a typo of the row's (see the rule), which the index reads without visiting the child.
drop index child_name_surname_forename;
create index child_name_surname_forename on child_name (surname_key, forename_key, date_of_birth) where valid_to is null;
