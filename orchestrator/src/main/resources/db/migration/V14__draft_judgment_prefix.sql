-- From this version a canary's draft judgment is stored by reference also when windows of other
-- tracks arrived after the last canary window it judged (ADR-014): last_judgment then holds
-- [1, verdict, step, at, failures, unjudged], where the draft judged the samples of the row's
-- journal range but its last `unjudged` rows. aegis_judgment reads that count too (null for a
-- reference to the whole range).
CREATE OR REPLACE FUNCTION aegis_judgment(j json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE json_typeof(j)
        WHEN 'array' THEN jsonb_build_object(
            'verdict', j ->> 1, 'step', j -> 2, 'at', j -> 3, 'failuresBefore', j -> 4,
            'unjudged', j -> 5, 'draft', true)
        ELSE j::jsonb END
$$;
