/* Bahasa Indonesia for Plotly's date axes and number formats (month and day names are facts, not
 * copied code). Plotly is loaded lazily by Dash, after the assets: the queue on
 * window.PlotlyLocales is how plotly.js picks up locales registered before it exists. */
(function () {
    var locale = {
        moduleType: "locale",
        name: "id",
        dictionary: {},
        format: {
            days: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
            shortDays: ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
            months: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                "September", "Oktober", "November", "Desember"],
            shortMonths: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt",
                "Nov", "Des"],
            date: "%d/%m/%Y",
            decimal: ",",
            thousands: "."
        }
    };
    if (typeof window.Plotly === "undefined") {
        window.PlotlyLocales = window.PlotlyLocales || [];
        window.PlotlyLocales.push(locale);
    } else {
        window.Plotly.register(locale);
    }
})();
