# Writes poisson-test.csv: R's exact comparison of two Poisson counts over equal exposure,
# poisson.test(c(after, before)), for every pair of counts 0..60 (except 0 and 0, which
# R refuses) and a few large pairs. Run from this folder:
#   Rscript poisson-test.R > poisson-test.csv
# (R 4.2.2 from Debian 12's r-base-core.)
pairs <- expand.grid(after = 0:60, before = 0:60)
pairs <- pairs[!(pairs$after == 0 & pairs$before == 0), ]
large <- data.frame(after = c(233, 0, 250, 1010, 5200, 11800, 101000, 0, 1),
                    before = c(0, 267, 300, 1000, 5000, 12000, 100000, 1, 1000))
pairs <- rbind(pairs, large)
cat(sprintf("# %s; %s\n", R.version.string, "Rscript poisson-test.R > poisson-test.csv"))
cat("after,before,rate_ratio,lower95,upper95,p_value\n")
for (k in seq_len(nrow(pairs))) {
  a <- pairs$after[k]; b <- pairs$before[k]
  t <- poisson.test(c(a, b))
  cat(sprintf("%d,%d,%.17g,%.17g,%.17g,%.17g\n", a, b, t$estimate, t$conf.int[1], t$conf.int[2], t$p.value))
}
