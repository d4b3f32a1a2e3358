//! Keeping a group of widgets on one row of a wrapping toolbar.
//!
//! `ui.horizontal_wrapped` wraps before a widget that does not fit, but a
//! composite one (a slider with its number and name, a label and its combo
//! box) is a nested row whose width egui learns only after drawing it, so it
//! never wraps and runs off the window's edge instead. [`together`] reserves
//! the width the group took last frame, so that the toolbar wraps before it.

use egui::{Layout, Ui, vec2};

/// Adds `add` as one group that a wrapping row moves to its next line
/// whole when it does not fit. `id_salt` names the group (its width is
/// remembered from one frame to the next).
pub fn together<R>(ui: &mut Ui, id_salt: impl egui::AsIdSalt, add: impl FnOnce(&mut Ui) -> R) -> R {
    let id = ui.scope_id().with(("together", id_salt));
    let width: f32 = ui.data(|d| d.get_temp(id)).unwrap_or(0.0);
    let height = ui.spacing().interact_size.y;
    let inner = ui.allocate_ui_with_layout(
        vec2(width, height),
        Layout::left_to_right(egui::Align::Center),
        add,
    );
    let used = inner.response.rect.width();
    if (used - width).abs() > 0.5 {
        ui.data_mut(|d| d.insert_temp(id, used));
        ui.ctx().request_discard("a toolbar group changed width");
    }
    inner.inner
}
