//! The three views and their base colours.

/// A view of the one map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Wall,
    Planner,
    Township,
}

/// The base colours of a view: the ground, admin boundaries, roads and halos of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub background: &'static str,
    pub boundary: &'static str,
    pub road: &'static str,
    pub road_casing: &'static str,
    pub text: &'static str,
    pub halo: &'static str,
    /// Roads drawn wider than usual (the planner draws on them).
    pub roads_prominent: bool,
}

impl View {
    pub const ALL: [View; 3] = [View::Wall, View::Planner, View::Township];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Wall => "wall",
            View::Planner => "planner",
            View::Township => "township",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn title_zh(self) -> &'static str {
        match self {
            View::Wall => "指挥大屏",
            View::Planner => "规划",
            View::Township => "乡镇风险图",
        }
    }

    pub fn palette(self) -> Palette {
        match self {
            View::Wall => Palette {
                background: "#0b1a2b",
                boundary: "#6f8fb3",
                road: "#3a4e66",
                road_casing: "#0b1a2b",
                text: "#e8eef7",
                halo: "#0b1a2b",
                roads_prominent: false,
            },
            View::Planner => Palette {
                background: "#f4f2ec",
                boundary: "#7a6f9b",
                road: "#ffffff",
                road_casing: "#9a8f80",
                text: "#1d2733",
                halo: "#ffffff",
                roads_prominent: true,
            },
            View::Township => Palette {
                background: "#ffffff",
                boundary: "#4a4a4a",
                road: "#d9d4cc",
                road_casing: "#b5ab9c",
                text: "#111111",
                halo: "#ffffff",
                roads_prominent: false,
            },
        }
    }
}
