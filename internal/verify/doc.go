// Package verify is household economic-status verification (居民家庭经济状况核对):
// the department datasets and their dated snapshots, the signed
// authorizations, matching every member of a household against every
// connected source, the exclusion rules of the policy in force, manual
// comparison for sources not connected, the verification report, and the
// batch re-verification of every recipient household.
package verify
