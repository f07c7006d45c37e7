//! The event loop: one redraw per batch of events, never an await on the
//! store or the network.

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;

use super::event::Event;
use super::{App, Exit};

/// Draws, then handles events until the app wants to stop.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut UnboundedReceiver<Event>,
) -> Result<Exit, B::Error> {
    terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
    while let Some(event) = events.recv().await {
        let mut redraw = app.handle(event);
        // Take everything already waiting (a scanner burst, a paste) before drawing once.
        while app.exit().is_none() {
            let Ok(event) = events.try_recv() else { break };
            redraw |= app.handle(event);
        }
        if let Some(exit) = app.exit() {
            return Ok(exit.clone());
        }
        if redraw {
            terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
        }
    }
    Ok(Exit::InputClosed("the event channel closed".into()))
}
