"""The documents a centre hands out (申请书, 通知书, 笔录, 协议书, 送达回证 …): what each contains,
when it applies. Rendering to HTML and PDF is the web layer's."""
