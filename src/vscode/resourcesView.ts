import * as vscode from 'vscode';

/**
 * The sidebar's resources view. Until AWS resources are listed here (OIDC providers,
 * identity pools, roles), it has no nodes and VS Code shows its viewsWelcome content:
 * what the extension does and buttons for the commands that work without setup.
 */
export class ResourcesView implements vscode.TreeDataProvider<never>, vscode.Disposable {
  private readonly view: vscode.TreeView<never>;

  constructor() {
    this.view = vscode.window.createTreeView('auth0Cognito.resources', { treeDataProvider: this });
  }

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }

  dispose(): void {
    this.view.dispose();
  }
}
