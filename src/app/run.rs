//! The event loop: one redraw per batch of events, never an await on the
//! store or the network.

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;

use super::event::Event;
use super::{App, Exit};

/// A frame could not be written. A hung-up terminal fails a write (EIO),
/// even halfway through a frame, before its input thread notices: the
/// terminal is gone either way, and the console ends as it does on a hang-up.
fn gone(e: &impl std::fmt::Display) -> Exit {
    Exit::InputClosed(format!("writing to the terminal failed: {e}"))
}

/// Draws, then handles events until the app wants to stop.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut UnboundedReceiver<Event>,
) -> Result<Exit, B::Error> {
    if let Err(e) = terminal.draw(|frame| frame.render_widget(&*app, frame.area())) {
        return Ok(gone(&e));
    }
    loop {
        // Keys held back as a possible scan are released when their time is up.
        let next = match app.input_deadline() {
            Some(deadline) => tokio::select! {
                event = events.recv() => Some(event),
                () = tokio::time::sleep_until(deadline.into()) => None,
            },
            None => Some(events.recv().await),
        };
        let redraw = match next {
            // The deadline passed: hand on the held keys.
            None => app.flush_input(std::time::Instant::now()),
            Some(None) => return Ok(Exit::InputClosed("the event channel closed".into())),
            Some(Some(event)) => {
                let mut redraw = app.handle(event);
                // Take everything already waiting (a scanner burst, a paste) before drawing once.
                while app.exit().is_none() {
                    let Ok(event) = events.try_recv() else { break };
                    redraw |= app.handle(event);
                }
                redraw
            }
        };
        if let Some(exit) = app.exit() {
            return Ok(exit.clone());
        }
        if redraw && let Err(e) = terminal.draw(|frame| frame.render_widget(&*app, frame.area())) {
            return Ok(gone(&e));
        }
        if app.take_bell() {
            // The terminal's bell: a refused scan or action must be heard at a pack station.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), b"\x07");
        }
    }
}
