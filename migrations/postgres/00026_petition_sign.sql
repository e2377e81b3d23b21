-- +goose Up
-- Issue 15: a signature and the rate limits it counts in one round trip (internal/petition, Sign). The
-- counters are counted and COMMITTED first, inside the procedure, and only then is the signature inserted,
-- in a transaction of its own: one statement holding both would keep the address's counter row (shared by
-- everyone behind one address: a whole carrier's NAT during a viral petition) locked until the
-- signature's durable commit, so signers behind one address would wait for each other's WAL flush
-- (measured with pgbench, 64 clients: 780 statements/s instead of 6,000 for the two apart). The counters
-- sit in an UNLOGGED table, whose commit does not wait for the disk, so their locks are held as briefly as
-- when counted on their own. CALL must run outside a transaction block (the pool's autocommit).
--
-- p_settlement is the signer's settlement, found from their address (migration 25), or NULL.
-- Counters: ids, window ends and maxima in the order the caller locks them (ratelimit.Hit's order). Out:
-- o_over is the 1-based index of the first counter over its maximum (nothing inserted then), o_threshold
-- the petition's threshold when the signature was added (NULL: signed already, or the petition is not
-- collecting, missing or past its period; the caller reads why).
-- +goose StatementBegin
CREATE PROCEDURE petition_sign(p_ids TEXT[], p_ends TIMESTAMPTZ[], p_max BIGINT[], p_petition BIGINT,
    p_person BIGINT, p_key TEXT, p_name TEXT, p_settlement BIGINT, p_at TIMESTAMPTZ, p_collecting TEXT,
    INOUT o_over INT DEFAULT NULL, INOUT o_threshold INT DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
        INSERT INTO rate_limits (id, data, expires_at) VALUES (p_ids[i], convert_to('1', 'UTF8'), p_ends[i])
        ON CONFLICT (id) DO UPDATE
            SET data = convert_to((convert_from(rate_limits.data, 'UTF8')::bigint + 1)::text, 'UTF8')
        RETURNING convert_from(rate_limits.data, 'UTF8')::bigint INTO n;
        IF n > p_max[i] AND o_over IS NULL THEN
            o_over := i;
        END IF;
    END LOOP;
    COMMIT;
    IF o_over IS NOT NULL THEN
        RETURN;
    END IF;
    INSERT INTO petition_signatures (petition_id, person_id, signer_key, signer_name, signed_at, settlement_id)
        SELECT petitions.id, p_person, p_key, p_name, p_at, p_settlement FROM petitions
        WHERE petitions.id = p_petition AND petitions.state = p_collecting AND petitions.collection_ends_at > p_at
        ON CONFLICT (petition_id, signer_key) DO NOTHING
        RETURNING (SELECT petitions.threshold FROM petitions WHERE petitions.id = petition_signatures.petition_id)
        INTO o_threshold;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP PROCEDURE petition_sign;
