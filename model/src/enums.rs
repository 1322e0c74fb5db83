//! The closed vocabularies of the layers (kinds, levels, statuses), with their Chinese labels.

/// Defines a string-valued enum: serde as its snake_case name, a Chinese label, and a
/// [`FieldType`](crate::FieldType) stored as TEXT.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value's wire name, in order.
            pub const NAMES: &'static [&'static str] = &[$($s),+];
            /// Every value's Chinese label, in the order of [`Self::NAMES`].
            pub const LABELS_ZH: &'static [&'static str] = &[$($zh),+];
            /// The wire name (snake_case English).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            /// The Chinese label used in legends and forms.
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            /// Parses the wire name or the Chinese label.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s | $zh => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown value `{}`, expected one of {}", s, $name::NAMES.join(", ")
                    ))
                })
            }
        }

        impl $crate::FieldType for $name {
            fn column_type() -> $crate::ColumnType { $crate::ColumnType::Text }
            fn enum_values() -> Option<&'static [&'static str]> { Some($name::NAMES) }
            fn enum_labels_zh() -> Option<&'static [&'static str]> { Some($name::LABELS_ZH) }
            fn sql_value(&self) -> $crate::SqlValue { $crate::SqlValue::Text(self.as_str().to_owned()) }
            fn field_ref(&self) -> $crate::FieldRef<'_> { $crate::FieldRef::Text(self.as_str().into()) }
            fn matches(&self, raw: &str) -> bool { self.as_str() == raw }
        }
    };
}

str_enum! {
    /// Risk level, shown in four colours: major red, large orange, general yellow, low blue.
    RiskLevel {
        Major => "major" / "重大",
        Large => "large" / "较大",
        General => "general" / "一般",
        Low => "low" / "低",
    }
}

impl RiskLevel {
    /// Higher is more severe (major = 4 … low = 1).
    pub fn severity(self) -> u8 {
        match self {
            RiskLevel::Major => 4,
            RiskLevel::Large => 3,
            RiskLevel::General => 2,
            RiskLevel::Low => 1,
        }
    }
}

str_enum! {
    /// What kind of hazard a hazard point is.
    HazardKind {
        Landslide => "landslide" / "滑坡",
        Collapse => "collapse" / "崩塌",
        DebrisFlow => "debris_flow" / "泥石流",
        Flood => "flood" / "洪涝",
        ForestFire => "forest_fire" / "森林火灾",
        Hazmat => "hazmat" / "危化品",
        Mine => "mine" / "矿山",
        Building => "building" / "房屋建筑",
        CrowdedPlace => "crowded_place" / "人员密集场所",
        Other => "other" / "其他",
    }
}

str_enum! {
    /// The closed-loop life of a hazard: discovered → confirmed → controlled → rectifying → closed.
    HazardStatus {
        Discovered => "discovered" / "发现",
        Confirmed => "confirmed" / "确认",
        Controlled => "controlled" / "管控",
        Rectifying => "rectifying" / "整改",
        Closed => "closed" / "核销",
    }
}

impl HazardStatus {
    /// The status a new hazard starts in.
    pub fn initial() -> Self {
        HazardStatus::Discovered
    }

    /// The one status that may follow this one (`None` once closed).
    pub fn next(self) -> Option<Self> {
        match self {
            HazardStatus::Discovered => Some(HazardStatus::Confirmed),
            HazardStatus::Confirmed => Some(HazardStatus::Controlled),
            HazardStatus::Controlled => Some(HazardStatus::Rectifying),
            HazardStatus::Rectifying => Some(HazardStatus::Closed),
            HazardStatus::Closed => None,
        }
    }

    /// A legal change: staying put, or one step along the loop.
    pub fn can_become(self, to: Self) -> bool {
        self == to || self.next() == Some(to)
    }

    /// Whether the hazard still needs attention (not closed).
    pub fn is_active(self) -> bool {
        self != HazardStatus::Closed
    }
}

str_enum! {
    /// Kind of a risk zone (风险区划).
    ZoneKind {
        Flood => "flood" / "洪涝风险区",
        Landslide => "landslide" / "地质灾害风险区",
        Fire => "fire" / "火灾风险区",
        Hazmat => "hazmat" / "危化品风险区",
        Other => "other" / "其他",
    }
}

str_enum! {
    /// Kind of a shelter site.
    ShelterKind {
        School => "school" / "学校",
        Park => "park" / "公园",
        Stadium => "stadium" / "体育场馆",
        Square => "square" / "广场",
        CommunityCentre => "community_centre" / "社区中心",
        PurposeBuilt => "purpose_built" / "专用避难场所",
        Other => "other" / "其他",
    }
}

str_enum! {
    /// Kind of a rescue team.
    TeamKind {
        FireRescue => "fire_rescue" / "消防救援",
        MineRescue => "mine_rescue" / "矿山救护",
        Hazmat => "hazmat" / "危化品救援",
        Flood => "flood" / "防汛",
        ForestFire => "forest_fire" / "森林灭火",
        Medical => "medical" / "医疗救护",
        Militia => "militia" / "民兵",
        Volunteer => "volunteer" / "志愿者",
        Other => "other" / "其他",
    }
}

str_enum! {
    /// The level of government a team belongs to.
    TeamLevel {
        City => "city" / "市级",
        District => "district" / "区县级",
        Township => "township" / "乡镇级",
        Community => "community" / "社区级",
    }
}

str_enum! {
    /// Whether a team is available, on its way, or at work.
    TeamStatus {
        Standby => "standby" / "待命",
        Dispatched => "dispatched" / "出动",
        OnScene => "on_scene" / "到场",
        OffDuty => "off_duty" / "休整",
    }
}

str_enum! {
    /// Level of an administrative area or grid cell.
    AdminLevel {
        District => "district" / "区县",
        Township => "township" / "乡镇街道",
        Village => "village" / "村社区",
        Grid => "grid" / "网格",
    }
}

str_enum! {
    /// What an account may do (see the roles table in the README): read everything and manage
    /// accounts; command (all reads and writes); plan (routes, shelters, risk zones, closures,
    /// imports); a township's own data; look at the map wall; fetch data as a partner system.
    Role {
        Admin => "admin" / "管理员",
        Commander => "commander" / "指挥长",
        Planner => "planner" / "规划",
        Township => "township" / "乡镇",
        Viewer => "viewer" / "大屏",
        External => "external" / "外部系统",
    }
}
