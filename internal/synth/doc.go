// Package synth generates a synthetic Yunnan: the social registry of
// dibao and 特困 households with their members, incomes, assets, bank
// accounts and enrolments, the datasets other departments hold about the
// population at large (vehicles, real estate, businesses, pensions,
// social insurance, housing fund, tax, deposits, securities, public
// employees, deaths and cremations, marriages), planted anomalies in
// stated proportions, and a ground-truth list of every planted case, so
// that verification and anomaly detection can be measured and scored.
//
// # Why it does no I/O of its own
//
// The generator is a function from (scale, seed) to a stream of
// households, records and truth entries (Generate with a Sink). What
// happens to them is the caller's: WriteDir writes the CSV files that
// FORMAT.md describes, Run also hands the households in batches to a
// HouseholdLoader (the SQL store's bulk insert), and tests collect them
// in memory. Keeping files and databases out of the generator is what
// lets one generator serve the CLI, the demo, the benchmarks and the
// tests, and lets the tests check it without touching a disk.
//
// # Determinism and speed
//
// The same seed gives byte-identical output, on any machine, on any day
// and with any number of workers. Each county draws from its own PCG
// streams seeded from the seed and the county code (one stream per
// purpose, so that households, anomalies and records do not shift each
// other), so counties are generated in parallel (Config.Workers, default
// 2) and emitted in county-code order. Dates are relative to AsOf, not to
// the clock. Nothing iterates a Go map where order would matter.
//
// Resident IDs are built by the GB 11643 rules (makeID is held to
// idcard.Generate by a test) with the county's code as area code and the
// person's birth date and sex. IDs never collide: registry members take
// sequence numbers 000–499, counted per county, birth date and sex; the
// population at large takes 500–979, person i of a county being a fixed
// function of i and the county's age pyramid, so that "a random person
// aged 25 to 60" costs a binary search and no memory. Plate, certificate,
// credit-code and account numbers are unique by construction (a counter
// scrambled by a bijection), not by luck.
//
// # Planted anomalies
//
// Anomalies lists the cases with their shares. Each is planted in that
// fraction of recipient households and, separately, of applicant
// households, a household at most one case, chosen at random among the
// households where the case can happen (a car needs an adult, a second
// spouse-free adult, …). The counts are the share times the households of
// each county, rounded at random, so that the expected total is exact.
// A case is evidence in a department dataset that the registry does not
// show: an undeclared car in vehicles, a second house in real_estate, an
// active business (and sometimes its tax return), a public job (with
// social insurance and housing fund at the employer), a death or
// cremation of a member still listed alive, a person registered in two
// households of the county under two IDs (same name, sex and birth date;
// the registry keeps one household per ID, so the duplicate is the
// look-alike record the verification must link; names that would
// collide by accident are drawn again, so these are the county's only
// look-alikes), a declared relative of
// staff (in the staff-relatives register: to be fully visited), an
// undeclared marriage to a civil-affairs employee, or a large deposit.
// Two negative controls (Flag false) test that rules do not overfire: a
// declared vehicle for the disabled, and a death already recorded in the
// registry.
//
// Apart from the planted cases, the registry's members appear in the
// datasets only as they legitimately would: basic resident pensions of
// the elderly (matching their declared income), small deposits and
// registered homes they declared, marriages of registered couples, the
// flexible workers' own social insurance. A test checks that no record
// about a registry member suggests a case that truth.csv does not list,
// so precision and recall can both be scored against the ground truth.
// People outside the registry fill the datasets at rates per person
// (Datasets) that give ≈ 52 million records at yunnan scale.
//
// # Sources
//
// The recipient totals are the seed report's (≈ 4.54 million rural and
// 0.98 million urban dibao recipients, ≈ 207,000 特困 persons); the
// prefecture populations and ethnic mixes are the 2020 census figures as
// we know them, approximate (tables.go); household sizes, ages and
// detail are plausible assumptions for dibao households, stated as data
// where they are set. Money follows the 2025 Yunnan standards of RULES
// §7.2 (urban 744 yuan a month, rural 6,720 a year).
package synth
