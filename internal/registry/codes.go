package registry

// Code tables of the registry. Each is national-standard data: the codes
// are what other departments' systems exchange, the names are what users
// read.

// Ethnicities are the GB/T 3304-1991 codes of China's ethnic groups.
var Ethnicities = map[string]string{
	"01": "汉族", "02": "蒙古族", "03": "回族", "04": "藏族", "05": "维吾尔族", "06": "苗族", "07": "彝族", "08": "壮族",
	"09": "布依族", "10": "朝鲜族", "11": "满族", "12": "侗族", "13": "瑶族", "14": "白族", "15": "土家族", "16": "哈尼族",
	"17": "哈萨克族", "18": "傣族", "19": "黎族", "20": "傈僳族", "21": "佤族", "22": "畲族", "23": "高山族", "24": "拉祜族",
	"25": "水族", "26": "东乡族", "27": "纳西族", "28": "景颇族", "29": "柯尔克孜族", "30": "土族", "31": "达斡尔族",
	"32": "仫佬族", "33": "羌族", "34": "布朗族", "35": "撒拉族", "36": "毛南族", "37": "仡佬族", "38": "锡伯族",
	"39": "阿昌族", "40": "普米族", "41": "塔吉克族", "42": "怒族", "43": "乌孜别克族", "44": "俄罗斯族", "45": "鄂温克族",
	"46": "德昂族", "47": "保安族", "48": "裕固族", "49": "京族", "50": "塔塔尔族", "51": "独龙族", "52": "鄂伦春族",
	"53": "赫哲族", "54": "门巴族", "55": "珞巴族", "56": "基诺族", "97": "其他", "98": "外国血统中国籍人士",
}

// YunnanMinorities are the codes of Yunnan's 25 minority groups with more
// than 5,000 members (云南 25 个世居少数民族).
var YunnanMinorities = []string{"07", "14", "16", "08", "18", "06", "20", "03", "24", "21", "27", "13", "28",
	"04", "34", "09", "39", "40", "02", "42", "56", "46", "25", "11", "51"}

// EthnicityCode returns the code of an ethnicity given as code or name
// ("07", "7" or "彝族"), or "" when unknown.
func EthnicityCode(s string) string {
	if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		s = "0" + s
	}
	if _, ok := Ethnicities[s]; ok {
		return s
	}
	for c, n := range Ethnicities {
		if n == s || n == s+"族" {
			return c
		}
	}
	return ""
}

// Marital statuses (GB/T 2261.2, coarsened).
var MaritalStatuses = map[string]string{"single": "未婚", "married": "已婚", "widowed": "丧偶", "divorced": "离婚", "unknown": "未说明"}

// Disability categories (GB/T 26341-2010); grades run 1 (most severe) to 4.
var DisabilityCategories = map[string]string{"visual": "视力残疾", "hearing": "听力残疾", "speech": "言语残疾",
	"physical": "肢体残疾", "intellectual": "智力残疾", "mental": "精神残疾", "multiple": "多重残疾"}

// LabourCapacities of a member.
var LabourCapacities = map[string]string{"full": "有劳动能力", "partial": "部分丧失劳动能力", "none": "无劳动能力"}

// EducationStages of a member.
var EducationStages = map[string]string{"none": "未上学", "preschool": "学前教育", "primary": "小学", "junior": "初中",
	"senior": "高中", "vocational": "中职", "college": "大专及以上", "graduated": "已毕业"}

// Employments of a member.
var Employments = map[string]string{"employed": "就业", "flexible": "灵活就业", "farming": "务农", "unemployed": "失业",
	"student": "在校学生", "retired": "退休", "none": "无业"}

// Exclusions are the reasons a person living in the household does not
// count as a household member (RULES §2.1, 民发〔2021〕57号 第七条).
var Exclusions = map[string]string{"prison": "服刑", "drug_rehab": "强制隔离戒毒", "missing": "宣告失踪",
	"religious_away": "宗教教职人员离家三年以上", "other": "省级规定的其他情形"}

// IncomeKinds are the income classes of RULES §2.7 plus the kinds that
// policy may exempt; the policy package decides which are counted.
var IncomeKinds = map[string]string{"wages": "工资性收入", "business": "经营净收入", "property": "财产净收入",
	"transfer": "转移净收入", "other": "其他收入", "pension_basic": "城乡居民基础养老金", "reward": "奖励补助",
	"assistance": "政府救助金", "special_care": "优待抚恤金", "family_planning": "计划生育奖励扶助金",
	"scholarship": "奖学金", "elderly_allowance": "高龄津贴"}

// AssetKinds are the property classes of RULES §2.8.
var AssetKinds = map[string]string{"deposit": "存款", "securities": "有价证券", "vehicle": "机动车辆", "house": "房产",
	"business": "工商登记", "insurance": "商业保险", "other": "其他财产"}

// ExpenditureKinds are rigid expenditures that policy may deduct.
var ExpenditureKinds = map[string]string{"medical": "医疗支出", "education": "教育支出", "disability": "残疾康复支出", "other": "其他刚性支出"}

// SelfCareActivities are the six activities of the 特困 self-care
// assessment (民发〔2021〕43号 第二十条), in bit order.
var SelfCareActivities = [6][2]string{{"eat", "自主吃饭"}, {"dress", "自主穿衣"}, {"bed", "自主上下床"},
	{"toilet", "自主如厕"}, {"walk", "室内自主行走"}, {"bathe", "自主洗澡"}}
