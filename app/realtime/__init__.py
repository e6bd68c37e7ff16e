"""Live sockets: Socket.IO's /chat namespace, presence, and the transport under it.

Services talk to live sockets only through `channels` (emit, subscribe,
disconnect) and `events` (the contract's broadcasts). `binding` ties
Flask-SocketIO to the app, `namespace` holds the event handlers, and
`transport` the replacement for parts of Engine.IO, Socket.IO and eventlet
that `REALTIME_TRANSPORT` switches on or off.
"""
