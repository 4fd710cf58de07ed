//! One batch's transfer call to WeCom, for the store's seam (`TransferCall` → answers): the
//! customers' `resigned/transfer_customer` or the groups' `groupchat/transfer`, at most 100
//! items, each item's errcode kept (a call refused as a whole refuses each item with its code). A call that fails as a whole (WeCom down, still
//! rate-limited after backoff) is an error: nothing is recorded and the batch may be sent again.

use std::collections::HashMap;

use handover_console::api::types::ItemKind;
use handover_console::demo::{Answer, TransferCall};
use serde_json::{json, Value};

use super::{Client, Error};

/// WeCom's answers by item id. `takeover_at` is the planned takeover of accepted customers
/// (WeCom: 24 hours after the call; the outcome itself is polled).
pub async fn send(
    client: &Client,
    call: &TransferCall,
    takeover_at: i64,
) -> Result<HashMap<String, Answer>, Error> {
    if call.ids.is_empty() {
        return Ok(HashMap::new());
    }
    let answered = match call.kind {
        ItemKind::Customer => customers(client, call, takeover_at).await,
        ItemKind::Group => groups(client, call).await,
    };
    match answered {
        // Refused as a whole (e.g. the successor cannot take over): every item, with the code.
        Err(Error::Api(code)) => Ok(call
            .ids
            .iter()
            .map(|id| (id.clone(), answer(code, takeover_at)))
            .collect()),
        other => other,
    }
}

fn answer(code: i64, takeover_at: i64) -> Answer {
    if code == 0 {
        Answer::Accepted { takeover_at }
    } else {
        // A code outside u32 is not WeCom's; keep something recognisable rather than fail.
        Answer::Rejected {
            code: u32::try_from(code).unwrap_or(u32::MAX),
        }
    }
}

async fn customers(
    client: &Client,
    call: &TransferCall,
    takeover_at: i64,
) -> Result<HashMap<String, Answer>, Error> {
    let body = json!({
        "handover_userid": call.departed,
        "takeover_userid": call.successor,
        "external_userid": call.ids,
    });
    let v = client
        .post("externalcontact/resigned/transfer_customer", &body)
        .await?;
    let rows: HashMap<&str, i64> = v["customer"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some((
                r["external_userid"].as_str()?,
                r["errcode"].as_i64().unwrap_or(0),
            ))
        })
        .collect();
    call.ids
        .iter()
        .map(|id| match rows.get(id.as_str()) {
            Some(&code) => Ok((id.clone(), answer(code, takeover_at))),
            // An item WeCom did not answer for: treat the call as not understood.
            None => Err(Error::Unavailable("transfer answer incomplete".into())),
        })
        .collect()
}

async fn groups(client: &Client, call: &TransferCall) -> Result<HashMap<String, Answer>, Error> {
    let body = json!({"chat_id_list": call.ids, "new_owner": call.successor});
    let v = client
        .post("externalcontact/groupchat/transfer", &body)
        .await?;
    let failed: HashMap<&str, i64> = v["failed_chat_list"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f: &Value| Some((f["chat_id"].as_str()?, f["errcode"].as_i64()?)))
        .collect();
    // Groups not listed as failed are handed over at once.
    Ok(call
        .ids
        .iter()
        .map(|id| {
            let code = failed.get(id.as_str()).copied().unwrap_or(0);
            (id.clone(), answer(code, 0))
        })
        .collect())
}
