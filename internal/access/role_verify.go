package access

// The permissions of household economic-status verification (居民家庭经济状况
// 核对), kept in a block of their own beside the table in role.go.
const (
	// VerifyAuthorize: record a member's signed authorization (授权承诺书).
	VerifyAuthorize Permission = "verify.authorize"
	// VerifyRequest: ask the verification centre to verify a household.
	VerifyRequest Permission = "verify.request"
	// VerifyCentre: the centre's work: its queue, the paper replies of
	// manual comparison, completing requests.
	VerifyCentre Permission = "verify.centre"
	// VerifyConnect: mark a source connected or not for a county.
	VerifyConnect Permission = "verify.connect"
	// VerifyReport: read verification reports (and the batch runs of the
	// jurisdiction).
	VerifyReport Permission = "verify.report"
	// VerifyDatasets: import the department datasets and the staff
	// relatives' register. The data are the province's, so the service
	// also requires a province-level jurisdiction (the province's
	// verification centre or administrator).
	VerifyDatasets Permission = "verify.datasets"
	// VerifyBatch: run batch re-verification of a division within the
	// jurisdiction (the verification centres of province, prefecture and
	// county), and cancel it.
	VerifyBatch Permission = "verify.batch"
)

// verifyGrants is the role → permission table of verification, merged into
// grants by grantSet and Permissions.
var verifyGrants = map[Role][]Permission{
	ProvinceAdmin:     {VerifyAuthorize, VerifyRequest, VerifyCentre, VerifyConnect, VerifyReport, VerifyDatasets, VerifyBatch},
	PrefectureOfficer: {VerifyReport, VerifyBatch},
	CountyApprover:    {VerifyReport},
	CountyVerifier:    {VerifyAuthorize, VerifyRequest, VerifyCentre, VerifyConnect, VerifyReport, VerifyDatasets, VerifyBatch},
	TownshipClerk:     {VerifyAuthorize, VerifyRequest, VerifyReport},
	TownshipReviewer:  {VerifyAuthorize, VerifyRequest, VerifyReport},
	VillageAssistant:  {VerifyAuthorize},
	Auditor:           {VerifyReport},
}
