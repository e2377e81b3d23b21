-- +goose Up
-- Issue 17: a petition's page shows its signatures by settlement. The settlement is found from the signer's
-- address when they sign (the same matching as an appeal's author, internal/settlement), kept on the
-- signature because the address itself is not (only the name is ever shown). Signatures made before this
-- column, and addresses that name no settlement of the community, count as "not determined".
ALTER TABLE petition_signatures ADD COLUMN settlement_id INTEGER REFERENCES settlements (id);

-- +goose Down
ALTER TABLE petition_signatures DROP COLUMN settlement_id;
