package casework

import (
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/calendar"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

// MaterialKind is a kind of document an applicant hands in.
type MaterialKind string

// The material kinds. Where a kind is needed per member, the window
// collects one for each member it names.
const (
	MatApplication   MaterialKind = "application"       // 申请书
	MatHukou         MaterialKind = "hukou"             // 户口簿
	MatIDCard        MaterialKind = "id_card"           // 居民身份证 (adults; minors are on the 户口簿)
	MatAuthorization MaterialKind = "authorization"     // 居民家庭经济状况核对授权承诺书 (every adult)
	MatDeclaration   MaterialKind = "declaration"       // 家庭收入和财产状况申报表（承诺书）
	MatBankAccount   MaterialKind = "bank_account"      // 银行账户（一卡通）信息
	MatHardship      MaterialKind = "hardship_proof"    // 困难情况证明材料
	MatReceipts      MaterialKind = "receipts"          // 支出票据
	MatDisability    MaterialKind = "disability_cert"   // 残疾人证
	MatDiagnosis     MaterialKind = "diagnosis"         // 医院诊断证明
	MatSettlement    MaterialKind = "settlement"        // 医保结算单及费用发票
	MatSchool        MaterialKind = "school_proof"      // 在校（学籍）证明
	MatHousing       MaterialKind = "housing_proof"     // 住房状况证明
	MatUnemployment  MaterialKind = "unemployment_cert" // 就业失业登记证明
	MatLoss          MaterialKind = "loss_report"       // 受灾损失情况证明
	MatSupport       MaterialKind = "support_statement" // 法定赡养、抚养、扶养义务人情况说明
)

// Scope says how many of a material a household needs.
type Scope uint8

const (
	// PerHousehold: one for the household.
	PerHousehold Scope = iota + 1
	// PerMember: one for each counted member the material's condition
	// selects (every counted member when it has none).
	PerMember
	// PerAdult: one for each counted member aged 18 or more on the
	// application date whom the condition selects.
	PerAdult
)

// Material is one line of a programme's list of required materials.
type Material struct {
	Kind  MaterialKind
	Zh    string
	En    string
	Scope Scope
	// When, for per-member materials, selects the members who need one
	// (nil: all in scope). CondZh/CondEn say who, for the printed list.
	When   func(registry.Member) bool
	CondZh string
	CondEn string
}

// MaterialKey identifies a material handed in: the kind, and for a
// per-member material the member, as "kind:member" where member is the
// member's resident ID (or internal key, for a person without one), e.g.
// "authorization:530102199001011234". Keys are plain strings so that a form
// can post them as checkbox values.
type MaterialKey string

// Key returns the key of a household material.
func Key(kind MaterialKind) MaterialKey { return MaterialKey(kind) }

// MemberKey returns the key of a per-member material; member is the
// member's resident ID or internal key.
func MemberKey(kind MaterialKind, member string) MaterialKey {
	return MaterialKey(string(kind) + ":" + member)
}

// Split returns the kind and member ("" for a household material) of k.
func (k MaterialKey) Split() (MaterialKind, string) {
	kind, member, _ := strings.Cut(string(k), ":")
	return MaterialKind(kind), member
}

// Missing is one material still to be handed in.
type Missing struct {
	Key        MaterialKey
	Kind       MaterialKind
	Member     string // resident ID or internal key; "" for a household material
	MemberName string
	// Zh and En name the item in full, e.g. "张三（530102********1234）的
	// 居民家庭经济状况核对授权承诺书".
	Zh string
	En string
}

var (
	isDisabled = func(m registry.Member) bool { return m.Disability.Category != "" }
	isIll      = func(m registry.Member) bool { return m.SeriousIllness != "" }
	isStudent  = func(m registry.Member) bool {
		if m.Employment != "" && m.Employment != "student" {
			return false
		}
		switch m.Education {
		case "primary", "junior", "senior", "vocational", "college":
			return true
		}
		return m.Employment == "student"
	}
	isUnemployed = func(m registry.Member) bool { return m.Employment == "unemployed" }
)

// The building blocks of the lists.
var (
	mApplication   = Material{Kind: MatApplication, Zh: "申请书", En: "written application", Scope: PerHousehold}
	mHukou         = Material{Kind: MatHukou, Zh: "户口簿", En: "household register (hukou booklet)", Scope: PerHousehold}
	mIDCard        = Material{Kind: MatIDCard, Zh: "居民身份证", En: "resident ID card", Scope: PerAdult}
	mAuthorization = Material{Kind: MatAuthorization, Zh: "居民家庭经济状况核对授权承诺书", En: "authorization and pledge for the household economic-status verification", Scope: PerAdult}
	mDeclaration   = Material{Kind: MatDeclaration, Zh: "家庭收入和财产状况申报表", En: "declaration of household income and property", Scope: PerHousehold}
	mBank          = Material{Kind: MatBankAccount, Zh: "银行账户（一卡通）信息", En: "bank account (one-card) details", Scope: PerHousehold}
	mHardship      = Material{Kind: MatHardship, Zh: "困难情况证明材料", En: "proof of the hardship", Scope: PerHousehold}
	mReceipts      = Material{Kind: MatReceipts, Zh: "支出票据", En: "receipts for the expenditure", Scope: PerHousehold}
	mDisability    = Material{Kind: MatDisability, Zh: "残疾人证", En: "disability certificate", Scope: PerMember, When: isDisabled, CondZh: "登记有残疾的成员", CondEn: "members registered as disabled"}
	mDiagnosis     = Material{Kind: MatDiagnosis, Zh: "医院诊断证明", En: "hospital diagnosis certificate", Scope: PerMember, When: isIll, CondZh: "患重病的成员", CondEn: "seriously ill members"}
	mSettlement    = Material{Kind: MatSettlement, Zh: "医保结算单及医疗费用发票", En: "insurance settlement sheet and medical invoices", Scope: PerHousehold}
	mSchool        = Material{Kind: MatSchool, Zh: "在校（学籍）证明", En: "proof of school enrolment", Scope: PerMember, When: isStudent, CondZh: "在校学生", CondEn: "members in school"}
	mAdultStudent  = Material{Kind: MatSchool, Zh: "在校（学籍）证明", En: "proof of school enrolment", Scope: PerAdult, When: isStudent, CondZh: "在校就读的成年子女", CondEn: "adult members in full-time study"}
	mHousing       = Material{Kind: MatHousing, Zh: "住房状况证明", En: "proof of the housing situation", Scope: PerHousehold}
	mUnemployment  = Material{Kind: MatUnemployment, Zh: "就业失业登记证明", En: "employment/unemployment registration", Scope: PerMember, When: isUnemployed, CondZh: "失业的成员", CondEn: "unemployed members"}
	mLoss          = Material{Kind: MatLoss, Zh: "受灾损失情况证明", En: "statement of disaster losses", Scope: PerHousehold}
	mSupport       = Material{Kind: MatSupport, Zh: "法定赡养、抚养、扶养义务人情况说明", En: "statement on the persons legally obliged to support the applicant", Scope: PerHousehold}
)

// materials is the list per programme and track. Sources: RULES §2.2
// (申请书, 申报, 授权; S-DB2021 Arts 9–10), §3.3 (特困: 义务人 statement,
// disability certificate; S-TK2021 Arts 10–12), §4.2 (临时救助 per 姚安县:
// application, ID, 授权承诺书, proof of hardship, receipts, disability /
// diagnosis / student proofs), §1.4–1.5 (medical, education, housing,
// employment). The lists are data: change them here, with the test.
var materials = map[Programme]map[Track][]Material{
	Dibao: {TrackNormal: {mApplication, mHukou, mIDCard, mAuthorization, mDeclaration, mBank, mDisability, mDiagnosis, mAdultStudent}},
	Tekun: {TrackNormal: {mApplication, mHukou, mIDCard, mAuthorization, mDeclaration, mSupport, mDisability, mBank}},
	Temporary: {
		// 先行救助 skips the verification, so no authorization and no
		// declaration; what remains is completed with the paperwork.
		TrackEmergency:   {mApplication, mIDCard, mHardship, mBank},
		TrackExpenditure: {mApplication, mHukou, mIDCard, mAuthorization, mHardship, mReceipts, mDiagnosis, mDisability, mBank},
	},
	Medical: {
		TrackNormal: {mApplication, mHukou, mIDCard, mAuthorization, mSettlement, mDiagnosis, mBank},
		// Recipients already verified: only the bills.
		TrackDirect: {mSettlement},
	},
	Education:  {TrackNormal: {mApplication, mHukou, mSchool}},
	Housing:    {TrackNormal: {mApplication, mHukou, mIDCard, mAuthorization, mHousing}},
	Employment: {TrackNormal: {mApplication, mIDCard, mUnemployment}},
	Disaster:   {TrackNormal: {mApplication, mIDCard, mLoss}},
	Charity:    {TrackNormal: {mApplication, mIDCard, mHardship}},
}

// Materials returns the materials programme p needs on track t (TrackNormal
// for the programme's normal procedure; temporary assistance has only the
// emergency and expenditure tracks and gives its expenditure list for
// TrackNormal). The result is a copy.
func Materials(p Programme, t Track) []Material {
	byTrack := materials[p]
	if l, ok := byTrack[t]; ok {
		return slices.Clone(l)
	}
	if p == Temporary && t == TrackNormal {
		return slices.Clone(byTrack[TrackExpenditure])
	}
	return nil
}

// MissingMaterials returns every material of programme p's normal list
// that household h has not handed in (一次性告知: all at once, never one
// by one), household items first, then per-member items member by member
// in the household's order. provided holds the keys handed in; applied is
// the application date, on which a member's age decides whether they are
// an adult (18 or more) who must sign an authorization. Only members who
// count as household members (registry.Detail.Counts) are asked for
// anything. A member whose birth date is unknown is treated as an adult.
//
// Use Case.MissingMaterials for a case on another track.
func MissingMaterials(p Programme, h *registry.Household, provided []MaterialKey, applied calendar.Date) []Missing {
	return missing(Materials(p, TrackNormal), h, provided, applied)
}

func missing(list []Material, h *registry.Household, provided []MaterialKey, applied calendar.Date) []Missing {
	have := make(map[MaterialKey]bool, len(provided))
	for _, k := range provided {
		have[k] = true
	}
	var out []Missing
	for _, m := range list {
		if m.Scope == PerHousehold && !have[Key(m.Kind)] {
			out = append(out, Missing{Key: Key(m.Kind), Kind: m.Kind, Zh: m.Zh, En: m.En})
		}
	}
	if h == nil {
		return out
	}
	for _, mem := range h.Members {
		if !mem.Counts() {
			continue
		}
		ref := memberRef(mem)
		adult := isAdult(mem, applied)
		for _, m := range list {
			if m.Scope == PerHousehold || (m.Scope == PerAdult && !adult) || (m.When != nil && !m.When(mem)) {
				continue
			}
			k := MemberKey(m.Kind, ref)
			if have[k] {
				continue
			}
			who := mem.Name
			if id := mem.MaskedID(); mem.IDNumber != "" && id != "" {
				who += "（" + id + "）"
			}
			out = append(out, Missing{Key: k, Kind: m.Kind, Member: ref, MemberName: mem.Name,
				Zh: who + "的" + m.Zh, En: m.En + " of " + whoEN(mem)})
		}
	}
	return out
}

// MissingNotice returns the text of the one-time notice (一次性告知书) for
// missing items: a numbered list in Chinese and in English.
func MissingNotice(ms []Missing) (zh, en string) {
	if len(ms) == 0 {
		return "材料齐全。", "All materials have been provided."
	}
	var z, e strings.Builder
	z.WriteString("申请材料不齐全，请一次性补齐以下材料：")
	e.WriteString("The application is incomplete; please provide all of the following: ")
	for i, m := range ms {
		if i > 0 {
			z.WriteString("；")
			e.WriteString("; ")
		}
		fmt.Fprintf(&z, "%d. %s", i+1, m.Zh)
		fmt.Fprintf(&e, "%d. %s", i+1, m.En)
	}
	z.WriteString("。")
	e.WriteString(".")
	return z.String(), e.String()
}

func whoEN(m registry.Member) string {
	if id := m.MaskedID(); m.IDNumber != "" && id != "" {
		return m.Name + " (" + id + ")"
	}
	return m.Name
}

// memberRef is how a material key names a member.
func memberRef(m registry.Member) string {
	if m.IDNumber != "" {
		return m.IDNumber
	}
	return m.InternalKey
}

// isAdult reports whether m is 18 or more on day; an unknown birth date or
// day counts as adult, so that an authorization is asked for rather than
// missed.
func isAdult(m registry.Member, day calendar.Date) bool {
	if day.IsZero() {
		return true // no application date: ask rather than miss
	}
	if id, err := idcard.Parse(m.IDNumber); err == nil {
		return id.AgeOn(day.Time()) >= 18
	}
	b, err := calendar.ParseDate(m.BirthDate)
	if err != nil {
		return true
	}
	by, bm, bd := b.Civil()
	y, mo, d := day.Civil()
	age := y - by
	if mo < bm || mo == bm && d < bd {
		age--
	}
	return age >= 18
}
