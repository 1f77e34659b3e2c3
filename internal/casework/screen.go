package casework

import "slices"

// ScreenAnswers are the yes/no answers of the needs screen the window
// walks through with an applicant who is not sure what to apply for. Each
// is the applicant's own statement; eligibility is decided by the
// procedure, not by the screen.
type ScreenAnswers struct {
	// IncomeBelowStandard: the household's income per head is below the
	// local dibao standard (家庭人均收入低于当地低保标准).
	IncomeBelowStandard bool
	// NoCapacityNoSupport: an elderly (≥ 60), disabled or minor (< 16)
	// person with no ability to work, no means of living and no one able to
	// support them (无劳动能力、无生活来源、无法定义务人或义务人无履行能力).
	NoCapacityNoSupport bool
	// Illness: a member is ill with medical costs the household struggles
	// to pay (患病、医疗费用负担重).
	Illness bool
	// Schooling: a member is in school or about to enrol (子女上学).
	Schooling bool
	// Housing: the household has no safe or affordable home (住房困难、危房).
	Housing bool
	// Unemployed: an able member is out of work (有劳动能力的成员失业).
	Unemployed bool
	// Disaster: the household was hit by a natural disaster (遭受自然灾害).
	Disaster bool
	// SuddenHardship: a fire, accident, sudden serious illness or other
	// sudden event has put basic living at risk (突发事件、意外事故).
	SuddenHardship bool
	// HighExpenditure: necessary spending (medical, schooling) has
	// suddenly exceeded what the household can bear (刚性支出过大).
	HighExpenditure bool
	// OtherHardship: some other difficulty the programmes above do not
	// name (其他困难).
	OtherHardship bool
	// Recipient: the household already receives dibao or 特困 support.
	Recipient bool
}

// Suggest returns the programmes to consider for answers, in the order of
// Programmes, by these rules:
//
//   - 特困 (tekun) when NoCapacityNoSupport; otherwise dibao when
//     IncomeBelowStandard (a person recognised as 特困 is not also given
//     dibao, so the screen offers the one that fits);
//   - disaster relief when Disaster;
//   - medical assistance when Illness;
//   - education assistance when Schooling and the household is poor
//     (IncomeBelowStandard, NoCapacityNoSupport or Recipient);
//   - housing assistance when Housing and the household is poor, likewise;
//   - employment assistance when Unemployed;
//   - temporary assistance when SuddenHardship or HighExpenditure;
//   - social forces (charity) when Illness, Disaster or SuddenHardship (the
//     hardships that often outrun public aid), or when OtherHardship, or
//     when nothing else matched but the applicant reports any hardship.
//
// An empty result means the screen found no hardship to act on.
func Suggest(a ScreenAnswers) []Programme {
	poor := a.IncomeBelowStandard || a.NoCapacityNoSupport || a.Recipient
	set := map[Programme]bool{
		Tekun:      a.NoCapacityNoSupport,
		Dibao:      a.IncomeBelowStandard && !a.NoCapacityNoSupport,
		Disaster:   a.Disaster,
		Medical:    a.Illness,
		Education:  a.Schooling && poor,
		Housing:    a.Housing && poor,
		Employment: a.Unemployed,
		Temporary:  a.SuddenHardship || a.HighExpenditure,
		Charity:    a.Illness || a.Disaster || a.SuddenHardship || a.OtherHardship,
	}
	var out []Programme
	for _, p := range Programmes {
		if set[p] {
			out = append(out, p)
		}
	}
	if len(out) == 0 && (a.Schooling || a.Housing) {
		// Schooling or housing needs of a household that is not poor by
		// its own account: the social forces may still help.
		out = append(out, Charity)
	}
	return slices.Clip(out)
}
