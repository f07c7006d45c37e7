//! Who is signed in: badge sign-in, supervisors' PINs with throttling, sign-out
//! by key, command barcode or idleness, all in the audit trail.

use chrono::{DateTime, Duration, Utc};

use super::App;
use crate::domain::{Actor, Operator, Role};
use crate::screens::sign_in::{SignInCommand, SignInScreen};
use crate::store::SessionEvent;

/// Wrong PINs in a row before sign-in pauses.
const PIN_ATTEMPTS: u32 = 3;
/// How long sign-in pauses after too many wrong PINs.
const LOCKOUT: Duration = Duration::seconds(30);

/// The station's session state.
#[derive(Debug, Clone)]
pub struct Session {
    pub operator: Option<Operator>,
    pub screen: SignInScreen,
    /// Last key or scan, for idle sign-out.
    pub last_activity: DateTime<Utc>,
    /// Sign out after this long without a key or scan (`None`: never).
    pub idle_after: Option<Duration>,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
}

impl Session {
    pub(super) fn new(operators_exist: bool, now: DateTime<Utc>) -> Self {
        Self {
            operator: None,
            screen: SignInScreen::new(operators_exist),
            last_activity: now,
            idle_after: Some(Duration::minutes(15)),
            failures: 0,
            locked_until: None,
        }
    }
}

impl App {
    /// Who does things at this station, for the audit trail.
    pub(super) fn actor(&self) -> Actor {
        let badge = self.session.operator.as_ref().map_or("-", |o| o.badge.as_str());
        Actor::new(self.station.clone(), badge)
    }

    /// Signs out after `minutes` without a key or scan (0: never).
    pub fn set_idle_sign_out(&mut self, minutes: u32) {
        self.session.idle_after = (minutes > 0).then(|| Duration::minutes(i64::from(minutes)));
    }

    /// The signed-in operator, if any.
    #[must_use]
    pub fn operator(&self) -> Option<&Operator> {
        self.session.operator.as_ref()
    }

    /// Runs what the sign-in screen collected.
    pub(super) fn sign_in(&mut self, command: SignInCommand) {
        if let Some(until) = self.session.locked_until.filter(|until| *until > self.now) {
            let wait = (until - self.now).num_seconds().max(1);
            self.refuse_sign_in("-", format!("Too many wrong PINs: wait {wait} s and try again."), "locked");
            return;
        }
        match command {
            SignInCommand::Badge(badge) => match self.store.operator(&badge) {
                Ok(Some(operator)) if operator.role == Role::Supervisor => {
                    self.session.screen.ask_pin(operator.badge, operator.name);
                }
                Ok(Some(operator)) => self.complete_sign_in(operator),
                Ok(None) => {
                    let shown = crate::domain::text::sanitize(&badge).into_owned();
                    self.refuse_sign_in(&badge, format!("Unknown badge {shown}: ask a supervisor."), "unknown badge");
                }
                Err(e) => self.session.screen.refuse(super::store_message(&e)),
            },
            SignInCommand::Pin { badge, pin } => match self.store.verify_pin(&badge, &pin) {
                Ok(true) => match self.store.operator(&badge) {
                    Ok(Some(operator)) => self.complete_sign_in(operator),
                    Ok(None) => self.refuse_sign_in(&badge, "That badge is no longer active.".into(), "inactive"),
                    Err(e) => self.session.screen.refuse(super::store_message(&e)),
                },
                Ok(false) => {
                    self.session.failures += 1;
                    if self.session.failures >= PIN_ATTEMPTS {
                        self.session.failures = 0;
                        self.session.locked_until = Some(self.now + LOCKOUT);
                        self.session.screen.reset();
                        let wait = LOCKOUT.num_seconds();
                        self.refuse_sign_in(
                            &badge,
                            format!("Wrong PIN {PIN_ATTEMPTS} times: wait {wait} s."),
                            "wrong PIN, paused",
                        );
                    } else {
                        self.refuse_sign_in(&badge, "Wrong PIN: try again.".into(), "wrong PIN");
                    }
                }
                Err(e) => self.session.screen.refuse(super::store_message(&e)),
            },
        }
    }

    fn refuse_sign_in(&mut self, badge: &str, message: String, reason: &str) {
        let actor = self.actor();
        if let Err(e) = self.store.record_session(&actor, SessionEvent::SignInRefused, badge, reason) {
            tracing::error!(error = %e, "cannot audit a refused sign-in");
        }
        self.session.screen.refuse(message);
        self.bell = true;
    }

    fn complete_sign_in(&mut self, operator: Operator) {
        self.session.failures = 0;
        self.session.locked_until = None;
        self.session.screen = SignInScreen::new(true);
        self.session.last_activity = self.now;
        let details = operator.role.as_str().to_owned();
        let badge = operator.badge.clone();
        self.session.operator = Some(operator);
        let actor = self.actor();
        if let Err(e) = self.store.record_session(&actor, SessionEvent::SignIn, &badge, &details) {
            tracing::error!(error = %e, "cannot audit a sign-in");
        }
        // Show the queue as it is now; pickers start on the waves.
        self.refresh_counts();
        let command = self.queue.reload_from_start();
        self.run_command(command);
        self.pick = None;
        let role = self.session.operator.as_ref().map(|o| o.role);
        if role == Some(crate::domain::Role::Picker) {
            self.show_waves();
        } else if role == Some(crate::domain::Role::Packer) {
            self.show_pack();
        } else {
            self.active = super::Active::Queue;
        }
    }

    /// Ends the session (key, CMD-LOGOUT or idleness), audited with `why`.
    pub(super) fn sign_out(&mut self, why: &str) {
        let Some(operator) = self.session.operator.take() else { return };
        let actor = Actor::new(self.station.clone(), operator.badge.clone());
        // A wave in hand goes back to the floor at once, not when its lease lapses.
        if let Some(pick) = self.pick.take() {
            if let Err(e) = self.store.leave_wave(&actor, pick.wave()) {
                tracing::error!(error = %e, "cannot give a wave back at sign-out");
            }
            self.active = super::Active::Waves;
        }
        if let Err(e) = self.store.record_session(&actor, SessionEvent::SignOut, &operator.badge, why) {
            tracing::error!(error = %e, "cannot audit a sign-out");
        }
        self.session.screen = SignInScreen::new(true);
        self.help_open = false;
        self.queue.search_input = None;
        self.queue.results = None;
        self.queue.detail_open = false;
    }

    /// Signs out an idle station (called on every tick).
    pub(super) fn check_idle(&mut self) -> bool {
        let idle = self.session.idle_after.is_some_and(|after| self.now - self.session.last_activity >= after);
        if idle && self.session.operator.is_some() {
            self.sign_out("idle");
            return true;
        }
        false
    }
}
