-- From this version the application writes an experiment's progress as one positional JSON array
-- (ProgressCodec), about half the named form's size: the row then stays under PostgreSQL's
-- compression threshold, and every batch's write got cheaper (docs/benchmarks.md, "A compact
-- progress column"). Rows written before keep their named form until their next write; the
-- application reads both.
--
-- aegis_progress(progress) gives either form back as a named jsonb document, times as ISO text,
-- for psql and for the archive:  SELECT aegis_progress(progress) ->> 'windows' FROM experiments;
CREATE FUNCTION aegis_time(v json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE json_typeof(v)
        WHEN 'number' THEN to_jsonb(to_char(
            (timestamptz 'epoch' + ((v::text)::numeric / 1000)::float8 * interval '1 microsecond')
                AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        ELSE v::jsonb END
$$;

CREATE FUNCTION aegis_duration(v json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE json_typeof(v)
        WHEN 'number' THEN to_jsonb(((v::text)::numeric / 1000000000)::text || ' s')
        ELSE v::jsonb END
$$;

CREATE FUNCTION aegis_eprocess(v json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE json_typeof(v)
        WHEN 'array' THEN jsonb_strip_nulls(jsonb_build_object(
            'logE', v -> 0, 'maxLogE', v -> 1, 'bets', v -> 2, 'crossedAt', aegis_time(v -> 3),
            'crossedStep', v -> 4, 'crossedWindow', v -> 5, 'bet', v -> 6, 'dispersion', v -> 7))
        ELSE v::jsonb END
$$;

CREATE FUNCTION aegis_progress(p json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE json_typeof(p)
        WHEN 'array' THEN jsonb_strip_nulls(jsonb_build_object(
            'format', p -> 0,
            'boundary', aegis_time(p -> 1),
            'windows', p -> 2,
            'requests', p -> 3,
            'errors', p -> 4,
            'p95RequestWeightedSum', p -> 5,
            'p95Sum', p -> 6,
            'maxP95Ms', p -> 7,
            'observed', aegis_duration(p -> 8),
            'firstWindowStart', aegis_time(p -> 9),
            'coveredUntil', aegis_time(p -> 10),
            'failures', p -> 11,
            'extendedFrom', aegis_duration(p -> 12),
            'shift', CASE json_typeof(p -> 13) WHEN 'array' THEN jsonb_build_object(
                'appliedAt', aegis_time(p -> 13 -> 0), 'settle', aegis_duration(p -> 13 -> 1),
                'excludedRequests', p -> 13 -> 2, 'excludedErrors', p -> 13 -> 3,
                'timeline', p -> 13 -> 4) END,
            'sequential', CASE json_typeof(p -> 14) WHEN 'array' THEN jsonb_strip_nulls(jsonb_build_object(
                'errors', aegis_eprocess(p -> 14 -> 0),
                'latency', aegis_eprocess(p -> 14 -> 1),
                'slo', aegis_eprocess(p -> 14 -> 2),
                'pairedWindows', p -> 14 -> 3,
                'pairedCanaryRequests', p -> 14 -> 4,
                'pairedCanaryErrors', p -> 14 -> 5,
                'pairedReferenceRequests', p -> 14 -> 6,
                'pairedReferenceErrors', p -> 14 -> 7,
                'latencyBets', p -> 14 -> 8,
                'latencySum', p -> 14 -> 9,
                'latencySumSquares', p -> 14 -> 10,
                'latencyLogRatioSum', p -> 14 -> 11,
                'lastRatio', p -> 14 -> 12,
                'lastLambda', p -> 14 -> 13,
                'referenceChiSquare', p -> 14 -> 14,
                'referenceDf', p -> 14 -> 15,
                'power', CASE json_typeof(p -> 14 -> 16) WHEN 'array' THEN jsonb_build_object(
                    'logE', p -> 14 -> 16 -> 0, 'stepLogE', p -> 14 -> 16 -> 1,
                    'referenceRequests', p -> 14 -> 16 -> 2,
                    'referenceErrors', p -> 14 -> 16 -> 3) END)) END))
        ELSE p::jsonb END
$$;
