"""Extension objects, created unbound; ``create_app`` binds them with ``init_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from localoffer.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"
# The storage comes from RATELIMIT_STORAGE_URI ("memory://" unless set), read by init_app.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
mail = Mail()
