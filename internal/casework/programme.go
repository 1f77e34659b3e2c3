package casework

import (
	"fmt"

	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// Programme is one of the "8+1" assistance programmes (社会救助暂行办法,
// chapters 2–10).
type Programme string

// The programmes. The string values match policy.Programme where the
// policy package has a calculator.
const (
	Dibao      Programme = "dibao"      // 最低生活保障
	Tekun      Programme = "tekun"      // 特困人员救助供养
	Disaster   Programme = "disaster"   // 受灾人员救助
	Medical    Programme = "medical"    // 医疗救助
	Education  Programme = "education"  // 教育救助
	Housing    Programme = "housing"    // 住房救助
	Employment Programme = "employment" // 就业救助
	Temporary  Programme = "temporary"  // 临时救助
	Charity    Programme = "charity"    // 社会力量参与 (the "+1")
)

// Programmes lists every programme in the order of the Interim Measures.
var Programmes = []Programme{Dibao, Tekun, Disaster, Medical, Education, Housing, Employment, Temporary, Charity}

var programmeNames = map[Programme][2]string{
	Dibao:      {"最低生活保障", "Minimum living guarantee (dibao)"},
	Tekun:      {"特困人员救助供养", "Support for persons in extreme poverty"},
	Disaster:   {"受灾人员救助", "Disaster-victim relief"},
	Medical:    {"医疗救助", "Medical assistance"},
	Education:  {"教育救助", "Education assistance"},
	Housing:    {"住房救助", "Housing assistance"},
	Employment: {"就业救助", "Employment assistance"},
	Temporary:  {"临时救助", "Temporary assistance"},
	Charity:    {"社会力量参与（慈善帮扶）", "Social forces (charity)"},
}

// ParseProgramme validates a programme name; the error is Invalid and
// names the field "programme".
func ParseProgramme(s string) (Programme, error) {
	p := Programme(s)
	if _, ok := programmeNames[p]; !ok {
		return "", apperr.Field("programme", fmt.Sprintf("未知的救助项目“%s”", s), fmt.Sprintf("unknown programme %q", s))
	}
	return p, nil
}

// Valid reports whether p is a known programme.
func (p Programme) Valid() bool { _, ok := programmeNames[p]; return ok }

// Zh returns the Chinese name of p.
func (p Programme) Zh() string { return nameOr(programmeNames, p, 0) }

// En returns the English name of p.
func (p Programme) En() string { return nameOr(programmeNames, p, 1) }

// Policy returns the policy package's name of p, for the calculators; ok is
// false for programmes without one (disaster, charity).
func (p Programme) Policy() (policy.Programme, bool) {
	switch p {
	case Dibao, Tekun, Medical, Temporary, Education, Housing, Employment:
		return policy.Programme(p), true
	}
	return "", false
}

// Department is the body that decides a programme's cases (协同办理): the
// one-window intake accepts every request and routes it here.
type Department string

// The deciding departments (社会救助暂行办法 as revised in 2019: medical
// assistance is approved by the medical-insurance department, disaster
// relief by emergency management).
const (
	CivilAffairs        Department = "civil_affairs"        // 民政
	MedicalInsurance    Department = "medical_insurance"    // 医疗保障
	EducationBureau     Department = "education"            // 教育
	HousingDept         Department = "housing"              // 住房城乡建设
	HumanResources      Department = "human_resources"      // 人力资源社会保障
	EmergencyManagement Department = "emergency_management" // 应急管理
	SocialForces        Department = "social_forces"        // 社会力量（慈善组织、志愿服务）
)

var departmentNames = map[Department][2]string{
	CivilAffairs:        {"民政部门", "Civil affairs"},
	MedicalInsurance:    {"医疗保障部门", "Medical insurance"},
	EducationBureau:     {"教育部门", "Education bureau"},
	HousingDept:         {"住房城乡建设部门", "Housing and urban-rural development"},
	HumanResources:      {"人力资源社会保障部门", "Human resources and social security"},
	EmergencyManagement: {"应急管理部门", "Emergency management"},
	SocialForces:        {"社会力量（慈善组织等）", "Social forces (charities)"},
}

// Zh returns the Chinese name of d.
func (d Department) Zh() string { return nameOr(departmentNames, d, 0) }

// En returns the English name of d.
func (d Department) En() string { return nameOr(departmentNames, d, 1) }

// Department returns the department that decides p's cases: civil affairs
// for dibao, 特困 and temporary assistance (which run their own workflow
// through township and county); medical insurance, education, housing,
// human resources, emergency management and social forces for the others.
func (p Programme) Department() Department {
	switch p {
	case Dibao, Tekun, Temporary:
		return CivilAffairs
	case Medical:
		return MedicalInsurance
	case Education:
		return EducationBureau
	case Housing:
		return HousingDept
	case Employment:
		return HumanResources
	case Disaster:
		return EmergencyManagement
	case Charity:
		return SocialForces
	}
	return ""
}

// Track is the variant of a programme's procedure chosen at intake.
type Track string

// The tracks. Temporary assistance must choose emergency or expenditure;
// medical assistance is direct for dibao and 特困 recipients and normal
// otherwise; the other programmes have only the normal track.
const (
	TrackNormal      Track = ""            // the programme's normal procedure
	TrackEmergency   Track = "emergency"   // 临时救助 急难型: 先行救助, paperwork after
	TrackExpenditure Track = "expenditure" // 临时救助 支出型: the normal procedure
	TrackDirect      Track = "direct"      // 医疗救助 直接办理 for dibao and 特困 recipients
)

var trackNames = map[Track][2]string{
	TrackNormal:      {"一般程序", "normal procedure"},
	TrackEmergency:   {"急难型（先行救助）", "emergency (help first)"},
	TrackExpenditure: {"支出型", "expenditure-driven"},
	TrackDirect:      {"直接办理", "direct handling"},
}

// Zh returns the Chinese name of t.
func (t Track) Zh() string { return nameOr(trackNames, t, 0) }

// En returns the English name of t.
func (t Track) En() string { return nameOr(trackNames, t, 1) }

// FlowFor returns the workflow a case of programme p on track t follows.
// variant is the dibao procedure in force at intake
// (policy.ProcedureParams.Dibao.Variant): "2012", or "2021" (also the
// default when empty). The error is Invalid, naming "programme" or "track".
func FlowFor(p Programme, t Track, variant string) (Flow, error) {
	if !p.Valid() {
		return "", apperr.Field("programme", fmt.Sprintf("未知的救助项目“%s”", p), fmt.Sprintf("unknown programme %q", p))
	}
	badTrack := func() (Flow, error) {
		return "", apperr.Field("track",
			fmt.Sprintf("%s没有“%s”办理方式", p.Zh(), t),
			fmt.Sprintf("%s has no track %q", p.En(), t))
	}
	switch p {
	case Dibao:
		if t != TrackNormal {
			return badTrack()
		}
		switch variant {
		case policy.Variant2012:
			return FlowDibao2012, nil
		case policy.Variant2021, "":
			return FlowDibao2021, nil
		}
		return "", apperr.Field("procedure.dibao.variant", "低保审核程序版本须为 2012 或 2021", `dibao procedure variant must be "2012" or "2021"`)
	case Tekun:
		if t != TrackNormal {
			return badTrack()
		}
		return FlowTekun, nil
	case Temporary:
		switch t {
		case TrackEmergency:
			return FlowTemporaryEmergency, nil
		case TrackExpenditure:
			return FlowTemporaryExpenditure, nil
		}
		return "", apperr.Field("track", "临时救助须选择急难型或支出型", "temporary assistance must be emergency or expenditure")
	case Medical:
		switch t {
		case TrackDirect:
			return FlowMedicalDirect, nil
		case TrackNormal:
			return FlowMedical, nil
		}
		return badTrack()
	}
	if t != TrackNormal {
		return badTrack()
	}
	return FlowDepartment, nil
}

// nameOr returns names[k][i], or k itself when k has no name.
func nameOr[K ~string](names map[K][2]string, k K, i int) string {
	if n, ok := names[k]; ok {
		return n[i]
	}
	return string(k)
}

// DirectEligible reports whether person personID of household h is, on
// day, a dibao recipient (the household's dibao enrolment, or one of their
// own) or a 特困 person (their own enrolment): the people whose medical
// assistance is handled directly (直接办理, S-649 Art.30), on TrackDirect.
func DirectEligible(h *registry.Household, personID int64, day calendar.Date) bool {
	if h == nil {
		return false
	}
	on := day.String()
	for _, e := range h.Enrolments {
		mine := e.PersonID == personID || (e.PersonID == 0 && e.Programme == string(Dibao))
		if mine && (e.Programme == string(Dibao) || e.Programme == string(Tekun)) && e.Active(on) {
			return true
		}
	}
	return false
}
