"""python run.py: bring the database to the latest schema, seed the demo on an empty database, serve."""
import os

from flask_migrate import upgrade

from trainer import create_app
from trainer.demo import cli as demo_cli
from trainer.demo import service as demo


def main() -> None:
    app = create_app()
    with app.app_context():
        upgrade()
        if app.config["DEMO"] and demo.is_empty():
            print("首次启动：正在生成演示数据……")
            ctx = demo.seed_demo()
            demo_cli.print_logins(ctx)
        elif demo.is_empty():
            print("数据库为空。用 flask --app trainer create-user USERNAME --name 姓名 --role admin 创建管理员。")
    host = os.environ.get("TRAINER_HOST", "127.0.0.1")
    port = int(os.environ.get("TRAINER_PORT", "5000"))
    print(f"培训考试系统已启动：http://{host}:{port}/")
    app.run(host=host, port=port, threaded=True, debug=False)


if __name__ == "__main__":
    main()
