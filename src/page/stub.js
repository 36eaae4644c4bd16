// klaviyo-lite pre-load stub. ES5 only: Google Tag Manager's Custom HTML tags reject newer syntax.
// Queues [method, ...args, settle] on window._klOnsite (the queue Klaviyo's own stub uses) and returns a
// Promise where the browser has one. If the script never arrives (an ad blocker), queued calls settle after
// 10 s so pages that wait on them carry on; the commands stay queued in case the script is only late.
(function (w) {
  if (w.klaviyo) return;
  var queue = (w._klOnsite = w._klOnsite || []);
  var late = false;
  var names = 'identify track isIdentified account cookieDomain subscribe viewedProduct addedToCart startedCheckout placedOrder subscribeBackInStock trackViewedItem optOut optIn openForm consent'.split(' ');
  var api = {
    push: function () {
      w._klOnsite.push.apply(w._klOnsite, arguments);
    }
  };
  function method(name) {
    return function () {
      var args = Array.prototype.slice.call(arguments);
      var callback = typeof args[args.length - 1] === 'function' ? args.pop() : null;
      var command = [name].concat(args);
      function enqueue(resolve) {
        var done = false;
        function settle(result) {
          if (done) return;
          done = true;
          if (resolve) resolve(result);
          // The page's callback may throw: its Promise is settled already, and the other calls still settle.
          try {
            if (callback) callback(result);
          } catch (e) {
            if (w.console) w.console.error('[klaviyo-lite] a callback threw', e);
          }
        }
        command.push(settle);
        w._klOnsite.push(command);
        if (late && w._klOnsite === queue) settle(false);
      }
      if (typeof Promise === 'function') return new Promise(enqueue);
      enqueue(null);
    };
  }
  for (var i = 0; i < names.length; i++) api[names[i]] = method(names[i]);
  w.klaviyo = api;
  setTimeout(function () {
    if (w._klOnsite !== queue) return;
    late = true;
    if (!queue.length) return;
    if (w.console) w.console.warn('[klaviyo-lite] the script has not loaded after 10 s (blocked?): queued calls settle with false and stay queued');
    for (var j = 0; j < queue.length; j++) {
      var settle = queue[j][queue[j].length - 1];
      if (typeof settle === 'function') settle(false);
    }
  }, 10000);
})(window);
