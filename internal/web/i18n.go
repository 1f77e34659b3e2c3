package web

import (
	"net/http"
	"time"
)

// shanghai is the zone every time is shown in.
var shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// langOf returns "en" when the caller chose English (cookie "lang" or the
// Accept-Language of an API client), else "zh".
func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		if c.Value == "en" {
			return "en"
		}
		return "zh"
	}
	if al := r.Header.Get("Accept-Language"); len(al) >= 2 && al[:2] == "en" {
		return "en"
	}
	return "zh"
}

// messages holds the UI's words: key → {Chinese, English}.
var messages = map[string][2]string{
	"app":            {"安全网 · 社会救助信息系统", "SafetyNet · Social Assistance Information System"},
	"app.short":      {"安全网", "SafetyNet"},
	"nav.home":       {"首页", "Home"},
	"nav.regions":    {"行政区划", "Divisions"},
	"nav.households": {"家庭档案", "Households"},
	"nav.calc":       {"救助测算", "Calculator"},
	"nav.users":      {"用户管理", "Users"},
	"nav.audit":      {"审计日志", "Audit log"},
	"nav.logout":     {"退出", "Log out"},
	"lang.switch":    {"English", "中文"},
	"login.title":    {"用户登录", "Log in"},
	"login.username": {"用户名", "Username"},
	"login.password": {"密码", "Password"},
	"login.submit":   {"登录", "Log in"},
	"home.welcome":   {"欢迎", "Welcome"},
	"home.role":      {"角色", "Role"},
	"home.region":    {"管辖区域", "Jurisdiction"},
	"home.perms":     {"可用功能", "What you can do"},
	"regions.title":  {"行政区划", "Administrative divisions"},
	"regions.code":   {"代码", "Code"},
	"regions.name":   {"名称", "Name"},
	"regions.level":  {"层级", "Level"},
	"regions.class":  {"城乡分类", "Urban/rural"},
	"regions.save":   {"保存", "Save"},
	"users.title":    {"用户管理", "Users"},
	"users.new":      {"新建用户", "New user"},
	"users.display":  {"姓名", "Name"},
	"users.role":     {"角色", "Role"},
	"users.region":   {"管辖区划代码", "Jurisdiction code"},
	"users.status":   {"状态", "Status"},
	"users.active":   {"正常", "Active"},
	"users.disabled": {"已停用", "Disabled"},
	"users.disable":  {"停用", "Disable"},
	"users.enable":   {"启用", "Enable"},
	"users.create":   {"创建", "Create"},
	"users.reset":    {"重置密码", "Reset password"},
	"audit.title":    {"审计日志", "Audit log"},
	"audit.search":   {"查询", "Search"},
	"audit.verify":   {"校验哈希链", "Verify the chain"},
	"audit.ok":       {"哈希链完整", "The chain is intact"},
	"audit.broken":   {"哈希链被破坏，首个异常记录序号", "The chain is broken; first bad entry"},
	"audit.at":       {"时间", "Time"},
	"audit.actor":    {"操作人", "Actor"},
	"audit.action":   {"操作", "Action"},
	"audit.subject":  {"对象", "Subject"},
	"audit.entries":  {"条记录", "entries"},
	"audit.from":     {"起始日期", "From"},
	"audit.to":       {"截止日期", "To"},
	"hh.title":       {"家庭档案", "Household"},
	"hh.new":         {"新建家庭", "New household"},
	"hh.find":        {"按身份证号查询", "Find by resident ID"},
	"hh.village":     {"村（社区）代码", "Village code"},
	"hh.area":        {"城乡类别", "Area"},
	"hh.urban":       {"城镇", "Urban"},
	"hh.rural":       {"农村", "Rural"},
	"hh.address":     {"住址", "Address"},
	"hh.members":     {"家庭成员", "Members"},
	"hh.idnumber":    {"身份证号码", "Resident ID"},
	"hh.name":        {"姓名", "Name"},
	"hh.sex":         {"性别", "Sex"},
	"hh.birth":       {"出生日期", "Birth date"},
	"hh.rel":         {"与户主关系", "Relationship"},
	"hh.save":        {"保存", "Save"},
	"hh.created":     {"登记时间", "Registered"},
	"hh.memberN":     {"成员", "Member"},
	"err.title":      {"出错了", "Something went wrong"},
	"err.back":       {"返回首页", "Back to home"},
	"print":          {"打印", "Print"},
	"calc.submit":    {"测算", "Calculate"},
	"calc.result":    {"测算结果", "Result"},
	"calc.step":      {"计算步骤", "Step"},
	"calc.amount":    {"金额（元）", "Amount (yuan)"},
	"calc.policy":    {"所用政策版本", "Policy version used"},
}

// translate returns the word for key in lang.
func translate(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}
