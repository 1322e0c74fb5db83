//! Import header spellings shared by every layer: surveyors write 名称, 名字 or 隐患点名称 for the
//! same `name`. A layer adds its own in [`super::LayerDef::aliases`].

/// Extra header spellings per property name, beyond the property's own name and Chinese title.
pub const COMMON: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "名称",
            "名字",
            "name",
            "隐患点名称",
            "隐患名称",
            "隐患点",
            "场所名称",
            "避难场所名称",
            "队伍名称",
            "仓库名称",
            "储备库名称",
            "title",
        ],
    ),
    ("kind", &["类型", "种类", "类别", "kind", "type", "灾害类型", "隐患类型", "场所类型", "队伍类型"]),
    ("risk_level", &["风险等级", "等级", "风险级别", "risk", "risklevel"]),
    ("status", &["状态", "status"]),
    ("threatened_people", &["威胁人数", "受威胁人数", "威胁人口", "threatened", "people"]),
    ("responsible", &["负责人", "责任人", "联系人", "监测人", "responsible", "contact"]),
    ("phone", &["联系电话", "电话", "手机", "手机号", "phone", "tel", "telephone", "mobile"]),
    ("township", &["乡镇代码", "乡镇编码", "乡镇", "所属乡镇", "行政区划代码", "township"]),
    ("last_inspected", &["最近巡查", "巡查日期", "巡查时间", "inspected", "lastinspected"]),
    ("address", &["地址", "位置", "详细地址", "address", "location"]),
    ("note", &["备注", "说明", "note", "notes", "remark", "remarks", "comment"]),
    ("capacity", &["容纳人数", "可容纳人数", "容量", "capacity"]),
    ("occupancy", &["已安置人数", "安置人数", "occupancy"]),
    ("open", &["已开放", "是否开放", "开放", "open"]),
    ("facilities", &["设施", "facilities"]),
    ("members", &["人数", "队员人数", "队员数", "members"]),
    ("level", &["级别", "层级", "level"]),
    ("code", &["代码", "编码", "区划代码", "code"]),
    ("parent", &["上级代码", "上级", "parent"]),
    ("supplies_people", &["保障人数", "可保障人数", "supplies_people"]),
    ("inventory", &["物资", "库存", "inventory"]),
];

/// The common spellings of `property` (none for a name not in [`COMMON`]).
pub fn common(property: &str) -> impl Iterator<Item = &'static &'static str> + '_ {
    COMMON.iter().filter(move |(p, _)| *p == property).flat_map(|(_, a)| a.iter())
}
