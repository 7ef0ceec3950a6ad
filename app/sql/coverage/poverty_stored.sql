-- The stored FGT sums (poverty_kelurahan, migration 0020) per area code of code_length
-- characters, in scope, without the kelurahan in :pending, whose sums lag a change and are
-- counted from the registry instead (coverage/poverty_by_area.sql with :only). Same columns and
-- types as that statement.
SELECT left(p.kode_kelurahan, :code_length) AS kode,
       CAST(sum(p.households) AS bigint) AS households,
       CAST(sum(p.persons) AS float8) AS persons,
       CAST(sum(p.households_without_expenditure) AS bigint) AS households_without_expenditure,
       CAST(sum(p.poor_persons) AS float8) AS poor_persons,
       CAST(sum(p.poor_households) AS bigint) AS poor_households,
       sum(p.gap_sum) AS gap_sum,
       sum(p.gap_sq_sum) AS gap_sq_sum
FROM poverty_kelurahan p
WHERE (CAST(:area_patterns AS text[]) IS NULL
       OR (p.kode_kelurahan ~>=~ CAST(:area_from AS text)
           AND p.kode_kelurahan ~<~ CAST(:area_to AS text)
           AND p.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
  AND (CAST(:area_kabs AS text[]) IS NULL
       OR p.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
  AND NOT (p.kode_kelurahan = ANY (CAST(:pending AS text[])))
GROUP BY 1
ORDER BY 1
