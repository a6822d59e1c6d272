-- From this version a canary's draft judgment (IN_PROGRESS or HOLD) is stored by reference when it
-- judged the very progress written with it: last_judgment holds [1, verdict, step, at, failures]
-- instead of the judgment's text (DraftReference, ADR-014). The application rebuilds the draft from
-- the row's policy, step, progress and step samples, and writes its checks and text when the API,
-- the dashboard or the Experiment resource reads it. Every other judgment (conclusive verdicts,
-- silence, a draft that judged other evidence) is stored with its text, as before.
--
-- aegis_judgment(last_judgment) gives either form as jsonb: a reference as its verdict, step and
-- time with "draft": true (the text is the API's, GET /api/v1/experiments/{id}), a judgment as it is.
CREATE FUNCTION aegis_judgment(j json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE json_typeof(j)
        WHEN 'array' THEN jsonb_build_object(
            'verdict', j ->> 1, 'step', j -> 2, 'at', j -> 3, 'failuresBefore', j -> 4,
            'draft', true)
        ELSE j::jsonb END
$$;
