package access

import "safetynet/internal/apperr"

// Role is a user's function in the system.
type Role string

// The roles of DESIGN.md.
const (
	ProvinceAdmin     Role = "province_admin"
	PrefectureOfficer Role = "prefecture_officer"
	CountyApprover    Role = "county_approver"
	CountyVerifier    Role = "county_verifier"
	TownshipClerk     Role = "township_clerk"
	TownshipReviewer  Role = "township_reviewer"
	VillageAssistant  Role = "village_assistant"
	DepartmentHandler Role = "department_handler"
	FinanceOfficer    Role = "finance_officer"
	Auditor           Role = "auditor"
)

// Roles lists every role in display order.
var Roles = []Role{ProvinceAdmin, PrefectureOfficer, CountyApprover, CountyVerifier, TownshipClerk,
	TownshipReviewer, VillageAssistant, DepartmentHandler, FinanceOfficer, Auditor}

var roleNames = map[Role][2]string{
	ProvinceAdmin:     {"省级管理员", "Province administrator"},
	PrefectureOfficer: {"州市民政干部", "Prefecture officer"},
	CountyApprover:    {"县级审批人员", "County approver"},
	CountyVerifier:    {"县级核对人员", "County verifier"},
	TownshipClerk:     {"乡镇窗口受理员", "Township window clerk"},
	TownshipReviewer:  {"乡镇审核人员", "Township reviewer"},
	VillageAssistant:  {"村级协理员", "Village assistant"},
	DepartmentHandler: {"部门经办人员", "Department handler"},
	FinanceOfficer:    {"财务人员", "Finance officer"},
	Auditor:           {"审计人员", "Auditor"},
}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if _, ok := roleNames[r]; !ok {
		return "", apperr.Field("role", "未知角色："+s, "unknown role: "+s)
	}
	return r, nil
}

// Zh returns the role's Chinese name.
func (r Role) Zh() string { return roleNames[r][0] }

// En returns the role's English name.
func (r Role) En() string { return roleNames[r][1] }

// Permission is an action a role may take.
type Permission string

// The permissions. Each guards a family of service methods.
const (
	RegistryRead   Permission = "registry.read"  // see households and persons
	RegistryWrite  Permission = "registry.write" // create and change households
	SeeFullID      Permission = "person.full_id" // see unmasked resident IDs
	UserManage     Permission = "user.manage"    // create, disable users; reset passwords
	AuditRead      Permission = "audit.read"     // search the audit log
	RegionEdit     Permission = "region.edit"    // change a village's urban/rural class
	PolicyPublish  Permission = "policy.publish" // publish a new policy version
	Calculate      Permission = "benefit.calc"   // use the benefit calculators
	TokenIssue     Permission = "token.issue"    // issue long-lived tokens for other systems
	DivisionBrowse Permission = "region.read"    // browse the divisions
	Supervise      Permission = "case.supervise" // the overdue and due-soon board
)

// grants is the role → permission table. It is data, reviewed as a whole.
var grants = map[Role][]Permission{
	ProvinceAdmin:     {RegistryRead, RegistryWrite, SeeFullID, UserManage, AuditRead, RegionEdit, PolicyPublish, Calculate, TokenIssue, DivisionBrowse, Supervise},
	PrefectureOfficer: {RegistryRead, Calculate, DivisionBrowse, Supervise},
	CountyApprover:    {RegistryRead, RegistryWrite, SeeFullID, Calculate, DivisionBrowse, Supervise},
	CountyVerifier:    {RegistryRead, SeeFullID, Calculate, DivisionBrowse, Supervise},
	TownshipClerk:     {RegistryRead, RegistryWrite, SeeFullID, Calculate, DivisionBrowse, Supervise},
	TownshipReviewer:  {RegistryRead, SeeFullID, Calculate, DivisionBrowse, Supervise},
	VillageAssistant:  {RegistryRead, RegistryWrite, Calculate, DivisionBrowse},
	DepartmentHandler: {RegistryRead, Calculate, DivisionBrowse},
	FinanceOfficer:    {RegistryRead, Calculate, DivisionBrowse},
	Auditor:           {AuditRead, RegistryRead, DivisionBrowse},
}

var grantSet = func() map[Role]map[Permission]bool {
	m := map[Role]map[Permission]bool{}
	for _, table := range []map[Role][]Permission{grants, verifyGrants} {
		for r, ps := range table {
			if m[r] == nil {
				m[r] = map[Permission]bool{}
			}
			for _, p := range ps {
				m[r][p] = true
			}
		}
	}
	return m
}()

// Can reports whether role r holds permission p.
func (r Role) Can(p Permission) bool { return grantSet[r][p] }

// Permissions returns the permissions of r.
func (r Role) Permissions() []Permission {
	return append(append([]Permission(nil), grants[r]...), verifyGrants[r]...)
}

// Departments are the deciding departments other than civil affairs, one
// of which a department handler works for (codes as casework routes).
var Departments = map[string][2]string{
	"medical_insurance":    {"医疗保障部门", "Medical insurance"},
	"education":            {"教育部门", "Education"},
	"housing":              {"住房城乡建设部门", "Housing"},
	"human_resources":      {"人力资源社会保障部门", "Human resources and social security"},
	"emergency_management": {"应急管理部门", "Emergency management"},
	"social_forces":        {"社会力量（慈善组织）", "Social forces (charities)"},
}

// ---- Funds (资金管理): budgets, allocations, spending, the incentive pool ----
//
// Kept in a block of their own so the funds branch merges cleanly: the
// permissions and their grants are added to the table above by init.

// The funds permissions.
const (
	FundsRead   Permission = "funds.read"   // see budgets, allocations, spending and balances
	FundsManage Permission = "funds.manage" // enter budgets, allocate, post spending by hand, the incentive pool
	FundsPost   Permission = "funds.post"   // post the spending of an approved payroll
)

// fundsGrants: finance officers and the province administrator manage the
// funds; the county approver (who approves the payroll) posts its spending
// and sees the balances; prefecture officers and auditors read.
var fundsGrants = map[Role][]Permission{
	ProvinceAdmin:     {FundsRead, FundsManage, FundsPost},
	FinanceOfficer:    {FundsRead, FundsManage, FundsPost},
	CountyApprover:    {FundsRead, FundsPost},
	PrefectureOfficer: {FundsRead},
	Auditor:           {FundsRead},
}

func init() {
	for r, ps := range fundsGrants {
		grants[r] = append(grants[r], ps...)
		for _, p := range ps {
			grantSet[r][p] = true
		}
	}
}

// ---- Payroll (社会化发放): the monthly payroll, bank files, returns ----
//
// Kept in a block of their own so the payroll branch merges cleanly: the
// permissions and their grants are added to the table above by init.

// The payroll permissions.
const (
	PayrollRead    Permission = "payroll.read"    // see payrolls, their totals and rosters
	PayrollPrepare Permission = "payroll.prepare" // run, check, adjust, export bank files, import returns, reconcile
	PayrollApprove Permission = "payroll.approve" // approve a county's month (its spending is posted to the funds)
)

// payrollGrants: finance officers prepare the payroll; county approvers
// approve it for their county, the province administrator for all;
// prefecture officers and auditors read.
var payrollGrants = map[Role][]Permission{
	ProvinceAdmin:     {PayrollRead, PayrollPrepare, PayrollApprove},
	FinanceOfficer:    {PayrollRead, PayrollPrepare},
	CountyApprover:    {PayrollRead, PayrollApprove},
	PrefectureOfficer: {PayrollRead},
	Auditor:           {PayrollRead},
}

func init() {
	for r, ps := range payrollGrants {
		grants[r] = append(grants[r], ps...)
		for _, p := range ps {
			grantSet[r][p] = true
		}
	}
}
