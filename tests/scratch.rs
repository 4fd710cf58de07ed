#![cfg(not(target_arch = "wasm32"))]
mod support;
use support::server::StaticServer;
use support::webdriver::Browser;
#[test]
fn scratch() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    b.wait_until("list", |b| {
        !b.css_all("input[name=hoc-departed]:not([disabled])")
            .is_empty()
    });
    let first = b.css_all("input[name=hoc-departed]:not([disabled])");
    b.click(&first[0]);
    b.click(&b.by_role("button", "下一步"));
    b.by_role("heading", "客户和客户群");
    for _ in 0..5 {
        println!(
            "ACTIVE {:?}",
            b.exec(
                "return document.activeElement.outerHTML.slice(0,120)",
                vec![]
            )
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    println!("LOGS {:?}", b.exec("return 1", vec![]));
    b.assert_no_console_errors();
}
