-- FGT sums per area code of code_length characters over every accepted household in scope,
-- person-weighted, poverty line line (rupiah per capita per month). Households without
-- expenditure are counted apart and left out of the indices. :only (NULL: all) keeps the
-- kelurahan listed: those whose stored sums lag a change (app/services/coverage/poverty_sums.py).
SELECT left(h.kode_kelurahan, :code_length) AS kode,
       count(*) FILTER (WHERE y IS NOT NULL) AS households,
       coalesce(sum(n) FILTER (WHERE y IS NOT NULL), 0) AS persons,
       count(*) FILTER (WHERE y IS NULL) AS households_without_expenditure,
       coalesce(sum(n) FILTER (WHERE y < :line), 0) AS poor_persons,
       count(*) FILTER (WHERE y < :line) AS poor_households,
       coalesce(sum(n * greatest(0, (:line - y) / :line)), 0) AS gap_sum,
       coalesce(sum(n * power(greatest(0, (:line - y) / :line), 2)), 0) AS gap_sq_sum
FROM (SELECT h.kode_kelurahan, h.jumlah_anggota::float8 AS n,
             h.pengeluaran_per_kapita::float8 AS y
      FROM household h
      WHERE (CAST(:area_patterns AS text[]) IS NULL
             OR (h.kode_kelurahan ~>=~ CAST(:area_from AS text)
                 AND h.kode_kelurahan ~<~ CAST(:area_to AS text)
                 AND h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[]))))
        AND (CAST(:area_kabs AS text[]) IS NULL
             OR h.kode_kabkota = ANY (CAST(:area_kabs AS text[])))
        AND (CAST(:only AS text[]) IS NULL
             OR h.kode_kelurahan = ANY (CAST(:only AS text[])))) h
GROUP BY 1
ORDER BY 1
