//! Typed property schemas, one struct per layer.

use crate::enums::{
    AdminLevel, HazardKind, HazardStatus, RiskLevel, ShelterKind, TeamKind, TeamLevel, TeamStatus, ZoneKind,
};
use crate::field::{Column, FieldRef, FieldType, Inventory, SqlValue};
use crate::ValidationError;
use chrono::NaiveDate;

/// Defines a layer's property struct (serde, unknown fields rejected) together with its column
/// list, its SQL values in column order, and equality filtering by column name.
macro_rules! props_struct {
    ($(#[$m:meta])* $name:ident { $( $(#[$fm:meta])* $field:ident : $ty:ty => $zh:literal ),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $( $(#[$fm])* pub $field: $ty ),+ }

        impl $name {
            /// The property columns, in storage order.
            pub fn columns() -> &'static [Column] {
                static COLUMNS: std::sync::LazyLock<Vec<Column>> = std::sync::LazyLock::new(|| {
                    let mut columns = vec![ $(
                        Column {
                            name: stringify!($field),
                            ty: <$ty as FieldType>::column_type(),
                            required: <$ty as FieldType>::required(),
                            default: false,
                            enum_values: <$ty as FieldType>::enum_values(),
                            enum_labels_zh: <$ty as FieldType>::enum_labels_zh(),
                            title_zh: $zh,
                        }
                    ),+ ];
                    // A column has a default when the struct decodes without it.
                    for i in 0..columns.len() {
                        let others: serde_json::Map<String, serde_json::Value> = columns
                            .iter()
                            .enumerate()
                            .filter(|(j, _)| *j != i)
                            .map(|(_, c)| (c.name.to_owned(), c.sample()))
                            .collect();
                        columns[i].default = serde_json::from_value::<$name>(serde_json::Value::Object(others)).is_ok();
                    }
                    columns
                });
                &COLUMNS
            }

            /// Values in the order of [`Self::columns`].
            pub fn sql_values(&self) -> Vec<SqlValue> {
                vec![ $( FieldType::sql_value(&self.$field) ),+ ]
            }

            /// The stored value of one column by name (`None` for an unknown name).
            pub fn field_value(&self, name: &str) -> Option<SqlValue> {
                match name {
                    $( stringify!($field) => Some(FieldType::sql_value(&self.$field)), )+
                    _ => None,
                }
            }

            /// [`Self::field_value`] borrowed where possible.
            pub fn field_ref(&self, name: &str) -> Option<FieldRef<'_>> {
                match name {
                    $( stringify!($field) => Some(FieldType::field_ref(&self.$field)), )+
                    _ => None,
                }
            }

            /// `Some(equal)` for a known column, `None` for an unknown one.
            pub fn field_matches(&self, name: &str, raw: &str) -> Option<bool> {
                match name {
                    $( stringify!($field) => Some(FieldType::matches(&self.$field, raw)), )+
                    _ => None,
                }
            }
        }
    };
}

fn default_true() -> bool {
    true
}

props_struct! {
    /// A hazard point (险情隐患点).
    HazardProps {
        name: String => "名称",
        kind: HazardKind => "类型",
        risk_level: RiskLevel => "风险等级",
        #[serde(default = "HazardStatus::initial")]
        status: HazardStatus => "状态",
        #[serde(default)]
        threatened_people: i64 => "威胁人数",
        responsible: Option<String> => "负责人",
        phone: Option<String> => "联系电话",
        township: String => "乡镇代码",
        last_inspected: Option<NaiveDate> => "最近巡查",
        address: Option<String> => "地址",
        note: Option<String> => "备注",
    }
}

props_struct! {
    /// A risk zone polygon (风险区划).
    RiskZoneProps {
        name: String => "名称",
        kind: ZoneKind => "类型",
        risk_level: RiskLevel => "风险等级",
        #[serde(default = "default_true")]
        active: bool => "生效",
        township: Option<String> => "乡镇代码",
        note: Option<String> => "备注",
    }
}

props_struct! {
    /// A shelter (避难场所).
    ShelterProps {
        name: String => "名称",
        kind: ShelterKind => "类型",
        capacity: i64 => "容纳人数",
        #[serde(default)]
        occupancy: i64 => "已安置人数",
        #[serde(default)]
        open: bool => "已开放",
        facilities: Option<String> => "设施",
        township: Option<String> => "乡镇代码",
        responsible: Option<String> => "负责人",
        phone: Option<String> => "联系电话",
        address: Option<String> => "地址",
    }
}

props_struct! {
    /// An evacuation route (转移路线).
    RouteProps {
        name: String => "名称",
        from_ref: String => "起点",
        to_ref: String => "终点",
        length_m: f64 => "长度(米)",
        minutes: f64 => "用时(分钟)",
        created_by: String => "编制人",
        profile: Option<String> => "出行方式",
        township: Option<String> => "乡镇代码",
    }
}

props_struct! {
    /// A resource depot (物资储备库).
    DepotProps {
        name: String => "名称",
        #[serde(default)]
        inventory: Inventory => "物资",
        #[serde(default)]
        supplies_people: i64 => "可保障人数",
        township: Option<String> => "乡镇代码",
        responsible: Option<String> => "负责人",
        phone: Option<String> => "联系电话",
        address: Option<String> => "地址",
    }
}

props_struct! {
    /// A rescue team at its current position (救援队伍).
    TeamProps {
        name: String => "名称",
        kind: TeamKind => "类型",
        level: TeamLevel => "级别",
        members: i64 => "人数",
        status: TeamStatus => "状态",
        equipment: Option<String> => "装备",
        township: Option<String> => "乡镇代码",
        leader: Option<String> => "队长",
        phone: Option<String> => "联系电话",
    }
}

props_struct! {
    /// An administrative area or grid cell (行政区划/网格); `code` is the 统计用区划代码 style code.
    AdminAreaProps {
        code: String => "区划代码",
        name: String => "名称",
        level: AdminLevel => "级别",
        parent: Option<String> => "上级代码",
        population: Option<i64> => "人口",
    }
}

props_struct! {
    /// A road segment of the routing network (路网).
    RoadProps {
        name: Option<String> => "名称",
        highway: String => "道路等级",
        #[serde(default)]
        oneway: bool => "单行",
        maxspeed_kmh: Option<f64> => "限速(km/h)",
        osm_id: Option<i64> => "OSM编号",
    }
}

fn non_empty(field: &str, v: &str) -> Result<(), ValidationError> {
    if v.trim().is_empty() {
        Err(ValidationError::property(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn non_negative(field: &str, v: i64) -> Result<(), ValidationError> {
    if v < 0 {
        Err(ValidationError::property(field, format!("must be ≥ 0, got {v}")))
    } else {
        Ok(())
    }
}

fn non_negative_f(field: &str, v: f64) -> Result<(), ValidationError> {
    if !v.is_finite() || v < 0.0 {
        Err(ValidationError::property(field, format!("must be a finite number ≥ 0, got {v}")))
    } else {
        Ok(())
    }
}

/// Admin codes are digits (GB/T 2260 + township/village/grid digits), 2..=20 long.
fn admin_code(field: &str, v: &str) -> Result<(), ValidationError> {
    if (2..=20).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::property(field, format!("must be an admin code of 2–20 digits, got `{v}`")))
    }
}

fn opt_admin_code(field: &str, v: Option<&String>) -> Result<(), ValidationError> {
    v.map_or(Ok(()), |c| admin_code(field, c))
}

impl HazardProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("name", &self.name)?;
        non_negative("threatened_people", self.threatened_people)?;
        admin_code("township", &self.township)
    }
}

impl RiskZoneProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("name", &self.name)?;
        opt_admin_code("township", self.township.as_ref())
    }
}

impl ShelterProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("name", &self.name)?;
        non_negative("capacity", self.capacity)?;
        non_negative("occupancy", self.occupancy)?;
        if self.occupancy > self.capacity {
            return Err(ValidationError::property(
                "occupancy",
                format!("{} exceeds capacity {}", self.occupancy, self.capacity),
            ));
        }
        opt_admin_code("township", self.township.as_ref())
    }

    /// Places still free (capacity − occupancy).
    pub fn free_places(&self) -> i64 {
        self.capacity - self.occupancy
    }
}

impl RouteProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("name", &self.name)?;
        non_empty("from_ref", &self.from_ref)?;
        non_empty("to_ref", &self.to_ref)?;
        non_empty("created_by", &self.created_by)?;
        non_negative_f("length_m", self.length_m)?;
        non_negative_f("minutes", self.minutes)?;
        opt_admin_code("township", self.township.as_ref())
    }
}

impl DepotProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("name", &self.name)?;
        non_negative("supplies_people", self.supplies_people)?;
        for (item, qty) in &self.inventory {
            non_empty("inventory", item)?;
            non_negative_f(&format!("inventory.{item}"), *qty)?;
        }
        opt_admin_code("township", self.township.as_ref())
    }
}

impl TeamProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("name", &self.name)?;
        non_negative("members", self.members)?;
        opt_admin_code("township", self.township.as_ref())
    }
}

impl AdminAreaProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        admin_code("code", &self.code)?;
        non_empty("name", &self.name)?;
        if let Some(p) = &self.parent {
            admin_code("parent", p)?;
            if !self.code.starts_with(p.as_str()) || self.code == *p {
                return Err(ValidationError::property(
                    "parent",
                    format!("code `{}` is not inside parent `{p}`", self.code),
                ));
            }
        }
        if let Some(pop) = self.population {
            non_negative("population", pop)?;
        }
        Ok(())
    }
}

impl RoadProps {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("highway", &self.highway)?;
        if let Some(s) = self.maxspeed_kmh {
            non_negative_f("maxspeed_kmh", s)?;
        }
        Ok(())
    }
}
