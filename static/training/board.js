// The trainer's live board (training/admin/workshop_detail.html): the grid is fetched again every few
// seconds and swapped in without reloading the page; "Toàn màn hình" shows the board alone, for a projector.
(() => {
    "use strict";

    const board = document.querySelector("[data-workshop-board]");
    if (!board) {
        return;
    }
    const container = board.querySelector("[data-board-grid-container]");
    const status = board.querySelector("[data-board-status]");
    const gridUrl = board.dataset.gridUrl;
    const seconds = Math.max(parseInt(board.dataset.refreshSeconds, 10) || 10, 3);
    const live = `Tự cập nhật mỗi ${seconds} giây.`;
    let busy = false;
    let stopped = false;

    function say(text) {
        // Only on change: a live region re-reads its text whenever it is set.
        if (status && status.textContent.trim() !== text) {
            status.textContent = text;
        }
    }

    function swap(html) {
        const scroller = container.querySelector(".xaso-board__scroll");
        const left = scroller ? scroller.scrollLeft : 0;
        const top = scroller ? scroller.scrollTop : 0;
        const focused = container.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
        container.innerHTML = html;
        const next = container.querySelector(".xaso-board__scroll");
        if (next) {
            next.scrollLeft = left;
            next.scrollTop = top;
        }
        if (focused) {
            const again = Array.from(container.querySelectorAll("a[href]")).find((a) => a.getAttribute("href") === focused);
            if (again) {
                again.focus({ preventScroll: true });
            }
        }
    }

    async function refresh() {
        if (busy || stopped || document.hidden) {
            return;
        }
        busy = true;
        try {
            const response = await fetch(gridUrl, {
                credentials: "same-origin",
                redirect: "manual",
                cache: "no-store",
                headers: { "X-Requested-With": "XMLHttpRequest" },
            });
            if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
                stopped = true;
                say("Phiên đăng nhập đã hết hạn. Hãy tải lại trang và đăng nhập lại.");
                return;
            }
            if (response.headers.get("X-Workshop-Closed")) {
                window.location.reload();
                return;
            }
            if (!response.ok) {
                throw new Error(`HTTP ${response.status}`);
            }
            swap(await response.text());
            say(live);
        } catch (error) {
            say("Chưa cập nhật được (mất kết nối mạng?). Đang thử lại…");
        } finally {
            busy = false;
        }
    }

    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", refresh);

    // Projector: the browser's full screen where it is allowed, else the board over the whole window.
    const toggle = board.querySelector("[data-board-fullscreen]");
    const label = board.querySelector("[data-board-fullscreen-label]");
    if (!toggle) {
        return;
    }
    const isOn = () => Boolean(document.fullscreenElement) || board.classList.contains("xaso-board--window");
    const relabel = () => {
        const on = isOn();
        board.classList.toggle("xaso-board--projector", on);
        label.textContent = on ? "Thoát toàn màn hình" : "Toàn màn hình";
    };
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
        if (document.fullscreenElement) {
            document.exitFullscreen();
        } else if (board.classList.contains("xaso-board--window")) {
            board.classList.remove("xaso-board--window");
            relabel();
        } else if (document.fullscreenEnabled && board.requestFullscreen) {
            board.requestFullscreen().catch(() => {
                board.classList.add("xaso-board--window");
                relabel();
            });
        } else {
            board.classList.add("xaso-board--window");
            relabel();
        }
    });
    document.addEventListener("fullscreenchange", relabel);
    document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && board.classList.contains("xaso-board--window")) {
            board.classList.remove("xaso-board--window");
            relabel();
        }
    });
})();
